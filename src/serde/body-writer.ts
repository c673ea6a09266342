// A response body written straight into one growing Buffer: a v2 read appends thousands of records, and writing
// their pieces here costs a copy each, where building a string per record, joining them and encoding the result
// for the socket cost three (and the garbage of all those strings).

export class BodyWriter {
  #buffer: Buffer
  #length = 0

  constructor(capacity = 16 * 1024) {
    this.#buffer = Buffer.allocUnsafe(capacity)
  }

  get length(): number {
    return this.#length
  }

  /** Drops everything after `length` (e.g. a record that was refused halfway). */
  truncate(length: number): void {
    this.#length = Math.min(length, this.#length)
  }

  byte(code: number): void {
    this.#reserve(1)
    this.#buffer[this.#length++] = code
  }

  /** Text known to be ASCII (JSON punctuation, numbers, base64): one byte per character. */
  ascii(text: string): void {
    this.#reserve(text.length)
    this.#length += this.#buffer.write(text, this.#length, 'latin1')
  }

  /** Any text, as UTF-8. */
  utf8(text: string): void {
    this.#reserve(text.length * 3)
    this.#length += this.#buffer.write(text, this.#length, 'utf8')
  }

  bytes(bytes: Uint8Array): void {
    this.#reserve(bytes.length)
    this.#buffer.set(bytes, this.#length)
    this.#length += bytes.length
  }

  /** `bytes` as a JSON string of their base64 (standard alphabet, padded). */
  base64String(bytes: Buffer): void {
    this.#reserve(Math.ceil(bytes.length / 3) * 4 + 2)
    this.#buffer[this.#length++] = 0x22
    this.#length += this.#buffer.write(bytes.toString('base64'), this.#length, 'latin1')
    this.#buffer[this.#length++] = 0x22
  }

  /** The bytes written (a view of the writer's buffer: write nothing more afterwards). */
  finish(): Buffer {
    return this.#buffer.subarray(0, this.#length)
  }

  #reserve(bytes: number): void {
    if (this.#length + bytes <= this.#buffer.length) return
    const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#length + bytes))
    this.#buffer.copy(grown, 0, 0, this.#length)
    this.#buffer = grown
  }
}

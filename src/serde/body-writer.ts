// A response body written straight into one growing Buffer: a v2 read appends thousands of records, and writing
// their pieces here costs a copy each, where building a string per record, joining them and encoding the result
// for the socket cost three (and the garbage of all those strings).
//
// base64 is encoded in JavaScript, straight into the buffer: `bytes.toString('base64')` and a latin1 write of the
// string cross into C++ twice and make a string per value, which made a value of 16-100 bytes cost 2.5-5 times
// what encoding it here does (the pair was ~18 % of the proxy thread reading 100-byte values). Rendering whole
// reads, it was also faster at 1 KiB (1.1 vs 1.4 µs a record); from NATIVE_BASE64 bytes the native (SIMD) encoder
// is as fast, and faster on larger values, so they go there.

import { type BufferPool } from '../util/buffer-pool.ts'

const NATIVE_BASE64 = 2048
// Texts and byte strings up to this long are copied in JavaScript (see ascii()).
const SHORT = 32
const ALPHABET = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1')
// The two base64 characters of each 12 bits, the first in the low byte: two of them make the little-endian Uint32
// of the four characters of 3 bytes, stored at once.
const PAIRS = new Uint16Array(4096)
for (let bits = 0; bits < 4096; bits++) PAIRS[bits] = ALPHABET[bits >> 6] | (ALPHABET[bits & 63] << 8)
const NO_SOURCE = new DataView(new ArrayBuffer(0))

export class BodyWriter {
  #buffer: Buffer
  #view: DataView // of #buffer, for 4-byte stores
  #length = 0
  // A view of the ArrayBuffer last encoded from, for 4-byte loads (the records of a read share a fetch response)
  #sourceView: DataView<ArrayBufferLike> = NO_SOURCE
  #source: ArrayBufferLike = NO_SOURCE.buffer

  readonly #pool: BufferPool | undefined

  /** `pool`: where the buffer comes from, and where a buffer outgrown goes back to. */
  constructor(capacity = 16 * 1024, pool?: BufferPool) {
    this.#pool = pool
    this.#buffer = pool ? pool.take(capacity) : Buffer.allocUnsafe(capacity)
    this.#view = new DataView(this.#buffer.buffer, this.#buffer.byteOffset, this.#buffer.length)
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
    const n = text.length
    this.#reserve(n)
    // Short texts are copied here: a native write costs more to call than it saves.
    if (n > SHORT) {
      this.#length += this.#buffer.write(text, this.#length, 'latin1')
      return
    }
    const out = this.#buffer
    let at = this.#length
    for (let i = 0; i < n; i++) out[at++] = text.charCodeAt(i)
    this.#length = at
  }

  /** A non-negative integer up to 2^53, in decimal. */
  integer(value: number): void {
    this.#reserve(16)
    const out = this.#buffer
    let digits = 1
    for (let power = 10; power <= value; power *= 10) digits++
    let at = this.#length + digits
    this.#length = at
    do {
      const rest = Math.floor(value / 10)
      out[--at] = 0x30 + (value - rest * 10)
      value = rest
    } while (value > 0)
  }

  /** Any text, as UTF-8. */
  utf8(text: string): void {
    this.#reserve(text.length * 3)
    this.#length += this.#buffer.write(text, this.#length, 'utf8')
  }

  bytes(bytes: Uint8Array): void {
    const n = bytes.length
    this.#reserve(n)
    if (n > SHORT) {
      this.#buffer.set(bytes, this.#length)
      this.#length += n
      return
    }
    const out = this.#buffer
    let at = this.#length
    for (let i = 0; i < n; i++) out[at++] = bytes[i]
    this.#length = at
  }

  /** `bytes[start, end)` as a JSON string of their base64 (standard alphabet, padded). */
  base64String(bytes: Uint8Array, start = 0, end = bytes.length): void {
    const length = end - start
    if (start < 0 || length < 0 || end > bytes.length)
      throw new RangeError(`base64String: no bytes [${start}, ${end}) in ${bytes.length}`)
    this.#reserve(Math.ceil(length / 3) * 4 + 2)
    const out = this.#buffer
    let at = this.#length
    out[at++] = 0x22
    if (length >= NATIVE_BASE64) {
      const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
      at += out.write(buffer.toString('base64', start, end), at, 'latin1')
    } else {
      const view = this.#view
      let i = start
      if (length >= 48) {
        // 12 bytes a step, loaded as 3 big-endian Uint32s (on fewer bytes, finding the view costs more than it saves)
        if (bytes.buffer !== this.#source) this.#sourceView = new DataView((this.#source = bytes.buffer))
        const source = this.#sourceView
        let from = bytes.byteOffset + start
        const stop = from + length - (length % 12)
        for (; from < stop; from += 12, at += 16) {
          const x = source.getUint32(from)
          const y = source.getUint32(from + 4)
          const z = source.getUint32(from + 8)
          const a = x >>> 8
          const b = ((x & 0xff) << 16) | (y >>> 16)
          const c = ((y & 0xffff) << 8) | (z >>> 24)
          const d = z & 0xffffff
          view.setUint32(at, PAIRS[a >>> 12] | (PAIRS[a & 0xfff] << 16), true)
          view.setUint32(at + 4, PAIRS[b >>> 12] | (PAIRS[b & 0xfff] << 16), true)
          view.setUint32(at + 8, PAIRS[c >>> 12] | (PAIRS[c & 0xfff] << 16), true)
          view.setUint32(at + 12, PAIRS[d >>> 12] | (PAIRS[d & 0xfff] << 16), true)
        }
        i = from - bytes.byteOffset
      }
      for (const whole = end - ((end - i) % 3); i < whole; i += 3, at += 4) {
        const a = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2]
        view.setUint32(at, PAIRS[a >>> 12] | (PAIRS[a & 0xfff] << 16), true)
      }
      if (i < end) {
        // 1 or 2 bytes left: 2 or 3 characters and padding
        const a = (bytes[i] << 16) | (i + 1 < end ? bytes[i + 1] << 8 : 0)
        out[at] = ALPHABET[a >>> 18]
        out[at + 1] = ALPHABET[(a >>> 12) & 63]
        out[at + 2] = i + 1 < end ? ALPHABET[(a >>> 6) & 63] : 0x3d
        out[at + 3] = 0x3d
        at += 4
      }
    }
    out[at++] = 0x22
    this.#length = at
  }

  /** The bytes written (a view of the writer's buffer: write nothing more afterwards). */
  finish(): Buffer {
    return this.#buffer.subarray(0, this.#length)
  }

  /** Gives the buffer back to the pool: call it once nothing uses the writer or what finish() returned. */
  release(): void {
    this.#pool?.give(this.#buffer)
  }

  #reserve(bytes: number): void {
    if (this.#length + bytes <= this.#buffer.length) return
    const size = Math.max(this.#buffer.length * 2, this.#length + bytes)
    const grown = this.#pool ? this.#pool.take(size) : Buffer.allocUnsafe(size)
    this.#buffer.copy(grown, 0, 0, this.#length)
    this.#pool?.give(this.#buffer)
    this.#buffer = grown
    this.#view = new DataView(grown.buffer, grown.byteOffset, grown.length)
  }
}

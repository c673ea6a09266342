// A few large Buffers kept for reuse. A v2 read writes its body (about 1.4 MB for 1 MiB of records) into a
// Buffer; a fresh one each time has every page faulted in and leaves the old ones to the garbage collector, which
// at 1 KiB values cost as much as encoding the records. Bounded: at most `maxBytes` are held, and only Buffers
// that own their whole memory (never slices of Node's shared small-buffer pool).
export class BufferPool {
  readonly #free: Buffer[] = []
  readonly #maxBytes: number
  readonly #minBytes: number
  #bytes = 0

  constructor(maxBytes: number, minBytes = 64 * 1024) {
    this.#maxBytes = maxBytes
    this.#minBytes = minBytes
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes
  }

  /** The smallest held Buffer of at least `size` bytes (no longer held), or a new one. */
  take(size: number): Buffer {
    let best = -1
    for (let i = 0; i < this.#free.length; i++) {
      const length = this.#free[i].length
      if (length >= size && (best < 0 || length < this.#free[best].length)) best = i
    }
    if (best < 0) return Buffer.allocUnsafe(size)
    const buffer = this.#free[best]
    this.#free[best] = this.#free[this.#free.length - 1]
    this.#free.pop()
    this.#bytes -= buffer.length
    return buffer
  }

  /** Takes `buffer` back: whoever gives it must not touch it again, nor any view of it. */
  give(buffer: Buffer): void {
    const length = buffer.length
    if (length < this.#minBytes || buffer.byteOffset !== 0 || buffer.buffer.byteLength !== length) return
    if (this.#bytes + length > this.#maxBytes || this.#free.includes(buffer)) return
    this.#free.push(buffer)
    this.#bytes += length
  }
}

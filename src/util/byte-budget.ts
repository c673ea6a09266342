// A budget of bytes held by requests in flight, so a flood of large produce requests cannot exhaust memory.
// Whole requests try and fail fast (the caller answers 429); streams wait, which stops them reading.
export class ByteBudget {
  readonly #max: number
  #used = 0
  #waiters: { bytes: number; resolve: () => void }[] = []

  constructor(max: number) {
    this.#max = max
  }

  get used(): number {
    return this.#used
  }

  // One request larger than the whole budget is still admitted when nothing else is in flight.
  tryAcquire(bytes: number): boolean {
    if (this.#used > 0 && this.#used + bytes > this.#max) return false
    this.#used += bytes
    return true
  }

  acquire(bytes: number): Promise<void> | undefined {
    if (this.#waiters.length === 0 && this.tryAcquire(bytes)) return undefined
    return new Promise(resolve => this.#waiters.push({ bytes, resolve }))
  }

  release(bytes: number): void {
    this.#used -= bytes
    while (this.#waiters.length > 0 && this.tryAcquire(this.#waiters[0].bytes)) this.#waiters.shift()!.resolve()
  }
}

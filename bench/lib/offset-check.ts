// Checks the offsets a reader sees, per partition: every record once and in order, from offset 0 (the benchmark's
// topics are fresh), and back to 0 only when the reader starts the partition over itself (rewind). Counts records
// seen again and offsets skipped: on a topic nobody else writes to, either is a bug of the reader.
export class OffsetCheck {
  readonly #next = new Map<number, number>()
  duplicates = 0
  gaps = 0
  skipped = 0
  /** Records seen, all partitions and passes. */
  seen = 0
  #firstProblem: string | undefined

  see(partition: number, offset: number): void {
    this.seen++
    const expected = this.#next.get(partition) ?? 0
    if (offset === expected) {
      this.#next.set(partition, offset + 1)
      return
    }
    if (offset < expected) {
      this.duplicates++
      this.#firstProblem ??= `partition ${partition}: offset ${offset} again (next expected ${expected})`
    } else {
      this.gaps++
      this.skipped += offset - expected
      this.#firstProblem ??= `partition ${partition}: offset ${offset} after ${expected - 1} (${offset - expected} skipped)`
      this.#next.set(partition, offset + 1)
    }
  }

  /** The reader starts `partition` over from offset 0. */
  rewind(partition: number): void {
    this.#next.set(partition, 0)
  }

  /** The reader starts every partition over. */
  rewindAll(): void {
    this.#next.clear()
  }

  /** Notes for the row: none when every record came once and in order. */
  notes(): string[] {
    if (this.duplicates === 0 && this.gaps === 0) return []
    return [
      `offsets: ${this.duplicates} records read again, ${this.gaps} gaps (${this.skipped} offsets skipped); first: ${this.#firstProblem}`
    ]
  }
}

// Latency histogram in microseconds with ~1 % resolution: exact below 100 µs, then buckets that grow by 1 %.
// Fixed memory whatever the number of samples, and mergeable across connections and processes (toJSON/from).
const linear = 100
const growth = Math.log(1.01)
const maxMicros = 600e6 // 10 minutes; anything longer lands in the last bucket
const bucketCount = linear + Math.ceil(Math.log(maxMicros / linear) / growth) + 1

export interface HistogramData {
  /** [bucket index, count] for the non-empty buckets. */
  buckets: [number, number][]
  count: number
  maxMicros: number
}

const indexOf = (micros: number): number => {
  if (micros < linear) return Math.max(0, Math.floor(micros))
  return Math.min(bucketCount - 1, linear + Math.floor(Math.log(micros / linear) / growth))
}

// Upper edge of a bucket: percentiles never under-report.
const valueOf = (index: number): number =>
  index < linear ? index + 1 : linear * Math.exp((index - linear + 1) * growth)

export class Histogram {
  readonly #counts = new Float64Array(bucketCount)
  count = 0
  maxMicros = 0

  static from(data: HistogramData): Histogram {
    const histogram = new Histogram()
    histogram.merge(data)
    return histogram
  }

  record(micros: number): void {
    this.#counts[indexOf(micros)]++
    this.count++
    if (micros > this.maxMicros) this.maxMicros = micros
  }

  merge(data: HistogramData): void {
    for (const [index, count] of data.buckets) this.#counts[index] += count
    this.count += data.count
    this.maxMicros = Math.max(this.maxMicros, data.maxMicros)
  }

  /** The p-th percentile (0 < p ≤ 100) in microseconds; NaN without samples. */
  percentile(p: number): number {
    if (this.count === 0) return NaN
    const rank = Math.ceil((p / 100) * this.count)
    let seen = 0
    for (let i = 0; i < bucketCount; i++) {
      seen += this.#counts[i]
      if (seen >= rank) return Math.min(valueOf(i), this.maxMicros)
    }
    return this.maxMicros
  }

  toJSON(): HistogramData {
    const buckets: [number, number][] = []
    for (let i = 0; i < bucketCount; i++) if (this.#counts[i] > 0) buckets.push([i, this.#counts[i]])
    return { buckets, count: this.count, maxMicros: this.maxMicros }
  }
}

// Measurement window and counters shared by the load generators. A job runs for warm-up + duration; only
// completions inside the measurement window count, and latencies only of operations that also started inside it.
import { type HistogramData, Histogram } from './histogram.ts'

export interface WindowSpec {
  warmupMs: number
  durationMs: number
  /** After the window: how long in-flight operations may take to finish before they are abandoned. */
  drainMs: number
}

export interface LoadResult {
  /** Completed operations (HTTP requests, producer sends) inside the window. */
  requests: number
  records: number
  /** Payload bytes (record values) of the counted records. */
  bytes: number
  errors: number
  firstError?: string
  latency: HistogramData
  /** Open loop only: how late the generator sent requests after their intended time (its own delays). */
  sendLag?: HistogramData
  /** Open loop only: latency from the moment each request actually left (the proxy's share, without the lag). */
  fromSend?: HistogramData
  windowMs: number
  /** CPU seconds the generator process used during the window. */
  cpuSeconds: number
  /** Set when the scenario could not run at all (e.g. endpoint missing). */
  skipped?: string
  /** Observations for the row's notes (e.g. consume: duplicate or missing records, setup time). */
  notes?: string[]
  /** Per second of the window: completions and the slowest latency, to spot stalls. */
  timeline: { second: number; requests: number; records: number; errors: number; maxMs: number }[]
}

export class Meter {
  readonly latency = new Histogram()
  readonly sendLag = new Histogram()
  readonly fromSend = new Histogram()
  requests = 0
  records = 0
  bytes = 0
  errors = 0
  firstError: string | undefined
  /** performance.now() times of the window */
  readonly start: number
  readonly end: number
  /** Operations must not start after this (end of the window); loops must also stop at `hardStop`. */
  readonly hardStop: number
  readonly #window: WindowSpec
  #cpuAtStart: NodeJS.CpuUsage | undefined
  #cpuSeconds = NaN
  readonly #timers: NodeJS.Timeout[] = []
  readonly #timeline: LoadResult['timeline']

  /** Opens the window `leadMs` from now and announces it (epoch ms) to the parent. */
  constructor(window: WindowSpec, announce: (start: number, end: number) => void, leadMs = 50) {
    this.#window = window
    const now = performance.now()
    this.start = now + leadMs + window.warmupMs
    this.end = this.start + window.durationMs
    this.hardStop = this.end + window.drainMs
    this.#timeline = Array.from({ length: Math.ceil(window.durationMs / 1000) }, (_, second) => ({
      second,
      requests: 0,
      records: 0,
      errors: 0,
      maxMs: 0
    }))
    const epochStart = Date.now() + leadMs + window.warmupMs
    announce(epochStart, epochStart + window.durationMs)
    this.#timers.push(setTimeout(() => (this.#cpuAtStart = process.cpuUsage()), this.start - now))
    this.#timers.push(setTimeout(() => this.#sampleCpuAtEnd(), this.end - now))
  }

  #sampleCpuAtEnd(): void {
    if (!this.#cpuAtStart || !Number.isNaN(this.#cpuSeconds)) return
    const used = process.cpuUsage(this.#cpuAtStart)
    this.#cpuSeconds = (used.user + used.system) / 1e6
  }

  /** Milliseconds from now until the window opens (≤ 0 once open). */
  untilStart(): number {
    return this.start - performance.now()
  }

  inWindow(time: number): boolean {
    return time >= this.start && time <= this.end
  }

  #second(done: number) {
    return this.#timeline[Math.min(this.#timeline.length - 1, Math.floor((done - this.start) / 1000))]
  }

  #latency(began: number, done: number): void {
    if (began < this.start) return
    const ms = done - began
    this.latency.record(ms * 1000)
    const second = this.#second(done)
    if (ms > second.maxMs) second.maxMs = ms
  }

  /** One operation that began at `began` finished successfully at `done`. */
  ok(began: number, done: number, records: number, bytes: number): void {
    if (!this.inWindow(done)) return
    this.requests++
    this.records += records
    this.bytes += bytes
    const second = this.#second(done)
    second.requests++
    second.records += records
    this.#latency(began, done)
  }

  /** Records that succeeded without being a request of their own (streamed records). */
  okRecord(began: number, done: number, bytes: number): void {
    if (!this.inWindow(done)) return
    this.records++
    this.bytes += bytes
    this.#second(done).records++
    this.#latency(began, done)
  }

  /** Records that arrived at `done` without a request or a latency of their own (a client's stream). */
  count(done: number, records: number, bytes: number): void {
    if (!this.inWindow(done)) return
    this.records += records
    this.bytes += bytes
    this.#second(done).records += records
  }

  /** Open loop: a request meant for `intended` actually left at `sent`. */
  lag(intended: number, sent: number): void {
    if (this.inWindow(intended)) this.sendLag.record(Math.max(0, sent - intended) * 1000)
  }

  /** Open loop: a request of the window that left at `sent` was answered at `done`. */
  answered(intended: number, sent: number, done: number): void {
    if (this.inWindow(intended)) this.fromSend.record((done - sent) * 1000)
  }

  fail(done: number, message: string): void {
    if (done < this.start) {
      this.firstError ??= `(during warm-up) ${message}`
      return
    }
    if (done > this.end) return
    this.errors++
    this.#second(done).errors++
    if (this.firstError === undefined || this.firstError.startsWith('(during warm-up)')) this.firstError = message
  }

  result(extra: Partial<LoadResult> = {}): LoadResult {
    for (const timer of this.#timers) clearTimeout(timer)
    this.#sampleCpuAtEnd() // when the loops ended before the end-of-window timer ran
    return {
      requests: this.requests,
      records: this.records,
      bytes: this.bytes,
      errors: this.errors,
      firstError: this.firstError,
      latency: this.latency.toJSON(),
      ...(this.sendLag.count > 0 ? { sendLag: this.sendLag.toJSON() } : {}),
      ...(this.fromSend.count > 0 ? { fromSend: this.fromSend.toJSON() } : {}),
      windowMs: this.#window.durationMs,
      cpuSeconds: this.#cpuSeconds,
      timeline: this.#timeline.map(s => ({ ...s, maxMs: Math.round(s.maxMs * 100) / 100 })),
      ...extra
    }
  }
}

// The machinery of one streaming produce request: reading concatenated JSON records from the request,
// producing each as it arrives, and writing one report line per record in input order.
// Per record there is no async step unless backpressure demands one: a chunk's records are handled in one
// synchronous pass; the loop awaits only for the byte budget, a full response buffer, or too many reports
// outstanding.
import { type Readable, type Writable } from 'node:stream'
import { errors } from '../../errors/codes.ts'
import { RestError } from '../../errors/rest-error.ts'
import { type ByteBudget } from '../../util/byte-budget.ts'
import { type JsonSplitter } from '../../util/json-splitter.ts'

// Reports not yet written before we stop reading the request (backpressure on the client).
const maxOutstanding = 2048

// Report lines leave in input order: each slot is filled when its record is done, and every run of filled
// slots at the head goes out in one write (one HTTP chunk, not one per record). A record's bytes leave the
// budget when its line is written.
export class OrderedReports {
  readonly #out: Writable
  readonly #budget: ByteBudget
  readonly #slots: (string | undefined)[] = []
  readonly #bytes: number[] = []
  #base = 0 // id of #slots[0]: ids are absolute, the arrays are compacted as the head moves on
  #head = 0 // index of the oldest unwritten slot
  #outstanding = 0
  #drained: Promise<void> | undefined
  #onIdle: (() => void) | undefined
  #onLowWater: (() => void) | undefined
  #flushScheduled = false

  constructor(out: Writable, budget: ByteBudget) {
    this.#out = out
    this.#budget = budget
  }

  emit(line: string | Promise<string>, bytes: number): void {
    const id = this.reserve(bytes)
    if (typeof line === 'string') this.fill(id, line)
    else void line.then(text => this.fill(id, text))
  }

  // The place of the next report (in input order) for a record of `bytes`; fill(id, line) when it is known.
  reserve(bytes: number): number {
    const id = this.#base + this.#slots.length
    this.#slots.push(undefined)
    this.#bytes.push(bytes)
    this.#outstanding++
    return id
  }

  // The acks of one Kafka send resolve many records one after another in one task: a flush queued as a
  // microtask makes them one write instead of one per record, and sends them as soon as that task ends. (A
  // setImmediate waited for the rest of the event loop's poll phase: behind a burst of request chunks, that
  // held the reports of a streaming client with 1000 records outstanding for milliseconds, and cost the
  // bench's d1 a third of its records/s.)
  fill(id: number, line: string): void {
    this.#slots[id - this.#base] = line
    if (id - this.#base === this.#head && !this.#flushScheduled) {
      this.#flushScheduled = true
      queueMicrotask(() => {
        this.#flushScheduled = false
        this.#flush()
      })
    }
  }

  #flush(): void {
    const slots = this.#slots
    let text = ''
    let bytes = 0
    while (this.#head < slots.length && slots[this.#head] !== undefined) {
      text += slots[this.#head]
      bytes += this.#bytes[this.#head]
      slots[this.#head] = undefined
      this.#head++
      this.#outstanding--
    }
    if (this.#head >= 1024 || this.#head === slots.length) {
      slots.splice(0, this.#head)
      this.#bytes.splice(0, this.#head)
      this.#base += this.#head
      this.#head = 0
    }
    this.#budget.release(bytes)
    if (text !== '' && !this.#out.destroyed && !this.#out.write(text)) {
      // A client that stops reading its reports stops us reading its records (and a gone one ends it all).
      this.#drained ??= new Promise<void>(resolve => {
        const done = () => {
          this.#out.off('drain', done)
          this.#out.off('close', done)
          this.#drained = undefined
          resolve()
        }
        this.#out.on('drain', done)
        this.#out.on('close', done)
      })
    }
    if (this.#outstanding === 0) this.#onIdle?.()
    if (this.#outstanding <= maxOutstanding / 2) this.#onLowWater?.()
  }

  // Resolves when reading may go on (undefined: at once).
  pause(): Promise<void> | undefined {
    if (this.#outstanding >= maxOutstanding) {
      return new Promise<void>(resolve => (this.#onLowWater = resolve)).then(() => {
        this.#onLowWater = undefined
        return this.#drained
      })
    }
    return this.#drained
  }

  idle(): Promise<void> | undefined {
    return this.#outstanding === 0 ? undefined : new Promise(resolve => (this.#onIdle = resolve))
  }
}

export type Handle = (text: string, bytes: number) => boolean

export interface StreamOutcome {
  // False when a bad record or bad input stopped the stream before the body ended.
  completed: boolean
}

// Reads `source` to the end or until `handle` (or the input) says stop. `first` holds the values already
// split while the caller waited for the first record.
export async function readRecords(
  chunks: AsyncIterator<Buffer>,
  splitter: JsonSplitter,
  first: { values: string[]; failure?: RestError },
  reports: OrderedReports,
  budget: ByteBudget,
  handle: Handle
): Promise<StreamOutcome> {
  let values = first.values
  let failure = first.failure
  for (;;) {
    for (const text of values) {
      const wait = budget.acquire(text.length)
      if (wait) await wait
      if (!handle(text, text.length)) return { completed: false }
    }
    if (failure) {
      reports.emit(errorLine(failure), 0)
      return { completed: false }
    }
    const paused = reports.pause()
    if (paused) await paused
    const next = await chunks.next()
    if (next.done) break
    const split = splitter.push(next.value)
    values = split.values
    if (split.error) failure = new RestError(errors.badRequest, split.error.message)
  }
  if (splitter.incomplete) {
    reports.emit(errorLine(new RestError(errors.badRequest, 'Unexpected end of input in a JSON object')), 0)
  }
  return { completed: true }
}

export const errorLine = (error: RestError): string => `${JSON.stringify(errorBody(error))}\r\n`

// Per-record error body: Confluent wraps validation codes (422xx) as 422 with the code in the text.
export function errorBody(error: RestError): { error_code: number; message: string } {
  if (error.errorCode >= 42200 && error.errorCode < 42300) {
    return { error_code: 422, message: `Error: ${error.errorCode} : ${error.message}` }
  }
  return { error_code: error.errorCode, message: error.message.split('\n', 1)[0] }
}

// Waits for the first complete record (or the end, or bad input) before the response is started, so an empty
// body can still be answered with 422.
export async function firstRecords(
  chunks: AsyncIterator<Buffer>,
  splitter: JsonSplitter
): Promise<{ values: string[]; failure?: RestError } | undefined> {
  for (;;) {
    const next = await chunks.next()
    if (next.done) {
      if (!splitter.incomplete) return undefined
      return { values: [], failure: new RestError(errors.badRequest, 'Unexpected end of input in a JSON object') }
    }
    const { values, error } = splitter.push(next.value)
    if (error) return { values, failure: new RestError(errors.badRequest, error.message) }
    if (values.length > 0) return { values }
  }
}

// After bad input the rest of the body is read and dropped, so the client gets its reports and a clean end;
// a client that keeps sending is disconnected after the grace period.
export function drain(source: Readable, graceMs: number): void {
  if (source.readableEnded) return
  source.resume()
  const timer = setTimeout(() => source.destroy(), Math.max(graceMs, 1000))
  timer.unref()
  source.once('end', () => clearTimeout(timer))
}

// The HTTP load generator, run as its own process (forked by runJob) so the proxy's CPU is its own.
//   http:   N keep-alive connections (lean-http.ts, requests encoded ahead); each sends its next request when
//           the previous response arrived (closed loop), or, with `rate`, at fixed intended times (open loop:
//           latency is taken from the intended send time, so a slow response also counts against the requests
//           queued behind it).
//   stream: N connections with ONE long-lived POST each whose body is a stream of concatenated JSON records and
//           whose response is a stream of delivery reports separated by \r\n (v3 streaming produce); at most
//           `maxOutstanding` records per connection wait for their report.
import { request as httpRequest } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { encodeRequest, LeanConnection } from './lean-http.ts'
import { type LoadResult, Meter, type WindowSpec } from './measure.ts'
import { type ValueFormat, v2Bodies, type V3Value, v3Records } from './payload.ts'
import { serveJob } from './processes.ts'

export interface HttpJob {
  kind: 'http'
  origin: string
  path: string
  method: 'GET' | 'POST'
  headers: Record<string, string>
  /** Request bodies to cycle through; none for GET. `schemaId`: of avro bodies. */
  body?: { format: ValueFormat; records: number; valueBytes: number; schemaId?: number }
  connections: number
  /** Total intended requests/s over all connections (open loop); 0: as fast as the responses come. */
  rate: number
  /** Count a 200 response whose body has a non-null "error_code" (v2 produce offsets) as an error. */
  checkOffsets: boolean
  window: WindowSpec
}

export interface StreamJob {
  kind: 'stream'
  origin: string
  path: string
  connections: number
  valueBytes: number
  /** What the records carry (default random BINARY values). */
  value?: V3Value
  maxOutstanding: number
  window: WindowSpec
}

export type LoadJob = HttpJob | StreamJob

const maxOperations = 50_000_000 // per connection: every loop is bounded by count as well as by time

// ---------------------------------------------------------------------------------------------------------------

async function runHttp(job: HttpJob, announce: (start: number, end: number) => void): Promise<LoadResult> {
  const bodyCount = job.body ? (job.body.records > 1 ? 64 : 1024) : 0
  const bodies = job.body
    ? v2Bodies(job.body.format, job.body.records, job.body.valueBytes, bodyCount, job.body.schemaId)
    : [undefined]
  const requests = bodies.map(body => encodeRequest(job.method, job.origin, job.path, job.headers, body))
  const records = job.body?.records ?? 0
  const bytes = records * (job.body?.valueBytes ?? 0)
  const connections: (LeanConnection | undefined)[] = Array.from({ length: job.connections }, () => undefined)
  const meter = new Meter(job.window, announce)
  // Open loop: connection c sends its k-th request at start + (k + c / connections) * interval.
  const interval = job.rate > 0 ? (job.connections * 1000) / job.rate : 0
  let dropped = 0

  const loop = async (c: number): Promise<void> => {
    const wait = meter.untilStart() - job.window.warmupMs
    if (wait > 0) await sleep(wait)
    const origin = performance.now()
    let next = c * 17
    for (let k = 0; k < maxOperations; k++) {
      let began = performance.now()
      let sent = began
      if (interval > 0) {
        let intended = origin + (k + c / job.connections) * interval
        // Sends of the warm-up still waiting when the window opens are dropped, not sent late into it: a fresh
        // proxy's first seconds (JIT) leave a backlog that would otherwise show as the window's worst latencies.
        if (intended < meter.start && began >= meter.start) {
          const first = Math.ceil((meter.start - origin) / interval - c / job.connections)
          dropped += first - k
          k = first
          intended = origin + (k + c / job.connections) * interval
        }
        if (intended > meter.end) break
        if (intended > began) await sleep(intended - began)
        sent = performance.now()
        meter.lag(intended, sent)
        began = intended
      } else if (began > meter.end) break
      try {
        connections[c] ??= await LeanConnection.open(job.origin, 64 * 1024)
        const { status, body } = await connections[c].send(requests[next++ % requests.length])
        const done = performance.now()
        if (status !== 200) meter.fail(done, `HTTP ${status}: ${body.toString('utf8', 0, 300)}`)
        else if (job.checkOffsets && anyErrorCode(body)) {
          meter.fail(done, `record error: ${body.toString('utf8', 0, 300)}`)
        } else {
          meter.ok(began, done, records, bytes)
          if (interval > 0) meter.answered(began, sent, done)
        }
      } catch (error) {
        // A failed connection is opened again for the next request.
        connections[c]?.close()
        connections[c] = undefined
        meter.fail(performance.now(), (error as Error).message)
        if (performance.now() > meter.hardStop) break
        await sleep(10)
      }
    }
  }
  const deadline = sleep(meter.hardStop - performance.now() + 1000, 'timeout' as const)
  await Promise.race([Promise.all(connections.map((_, c) => loop(c))), deadline])
  for (const connection of connections) connection?.close()
  return meter.result(dropped > 0 ? { notes: [`${dropped} warm-up sends still unsent at the window's start dropped`] } : {}) // prettier-ignore
}

const ERROR_CODE = Buffer.from('"error_code":')

// Where the value of the "error_code" key found at `at` starts (spaces after the colon skipped).
function codeValue(bytes: Buffer, at: number): number {
  let i = at + ERROR_CODE.length
  while (bytes[i] === 0x20) i++
  return i
}

// Whether a v2 produce answer has a record whose "error_code" is a number (successes have null).
function anyErrorCode(bytes: Buffer): boolean {
  for (let at = bytes.indexOf(ERROR_CODE); at >= 0; at = bytes.indexOf(ERROR_CODE, at + 1)) {
    const i = codeValue(bytes, at)
    if (bytes[i] >= 0x30 && bytes[i] <= 0x39) return true
  }
  return false
}

// ---------------------------------------------------------------------------------------------------------------

// Whether the report line bytes[start, end) says 200 (`"error_code":200`, spaces allowed after the colon).
function reportOk(bytes: Buffer, start: number, end: number): boolean {
  const at = bytes.indexOf(ERROR_CODE, start)
  if (at < 0 || at >= end) return false
  const i = codeValue(bytes, at)
  return (
    bytes[i] === 0x32 && bytes[i + 1] === 0x30 && bytes[i + 2] === 0x30 && (bytes[i + 3] < 0x30 || bytes[i + 3] > 0x39)
  )
}

// The records of a stream, back to back in one Buffer, and where each starts (one more: the end). A write of n
// records is a view of it, not a string built and encoded per write: the generator shares the 2 cores with the
// proxy and the broker.
function recordPool(records: string[]): { bytes: Buffer; starts: number[] } {
  const bytes = Buffer.from(records.join(''))
  const starts = [0]
  for (const record of records) starts.push(starts[starts.length - 1] + Buffer.byteLength(record))
  return { bytes, starts }
}

async function runStream(job: StreamJob, announce: (start: number, end: number) => void): Promise<LoadResult> {
  const pool = recordPool(v3Records(job.valueBytes, 4096, job.value))
  const poolSize = pool.starts.length - 1
  const meter = new Meter(job.window, announce)
  let status: number | undefined
  let refused: string | undefined
  const chunkRecords = Math.max(1, Math.min(100, Math.floor(job.maxOutstanding / 4)))

  const connection = (c: number): Promise<void> =>
    new Promise(resolve => {
      const url = new URL(job.path, job.origin)
      const request = httpRequest(url, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', accept: 'application/json', 'transfer-encoding': 'chunked' }
      })
      const capacity = job.maxOutstanding + chunkRecords
      const sentAt = new Float64Array(capacity) // ring buffer: send time of each outstanding record, in order
      let head = 0
      let outstanding = 0
      let next = c * 1000
      let writing = true
      let waitingDrain = false
      let finished = false
      const finish = () => {
        if (finished) return
        finished = true
        clearTimeout(guard)
        resolve()
      }
      const guard = setTimeout(() => {
        request.destroy()
        finish()
      }, meter.hardStop - performance.now())

      const fill = () => {
        if (!writing || waitingDrain) return
        for (let round = 0; round < capacity; round++) {
          const now = performance.now()
          if (now > meter.end) {
            writing = false
            request.end()
            return
          }
          const first = next % poolSize
          // Up to the pool's end: the records of one write are one contiguous view.
          const count = Math.min(chunkRecords, job.maxOutstanding - outstanding, poolSize - first)
          if (count <= 0) return
          for (let i = 0; i < count; i++) {
            sentAt[(head + outstanding) % capacity] = now
            outstanding++
          }
          next += count
          if (!request.write(pool.bytes.subarray(pool.starts[first], pool.starts[first + count]))) {
            waitingDrain = true
            request.once('drain', () => {
              waitingDrain = false
              fill()
            })
            return
          }
        }
      }

      request.on('response', response => {
        status = response.statusCode
        if (response.statusCode !== 200) {
          response.setEncoding('utf8')
          let text = ''
          response.on('data', (part: string) => (text += part.length < 2000 ? part : ''))
          response.on('end', () => {
            refused ??= `HTTP ${response.statusCode}: ${text.slice(0, 300)}`
            writing = false
            request.destroy()
            finish()
          })
          return
        }
        // Reports are read as bytes; a line cut by the end of a chunk waits in `rest` for the next one.
        let rest: Buffer | undefined
        response.on('data', (part: Buffer) => {
          const bytes = rest ? Buffer.concat([rest, part]) : part
          const now = performance.now()
          let start = 0
          for (let nl = bytes.indexOf(0x0a); nl !== -1; nl = bytes.indexOf(0x0a, start)) {
            const lineStart = start
            start = nl + 1
            if (nl - lineStart <= 1) continue // the \r\n of an empty line
            if (outstanding === 0) {
              meter.fail(now, `report without an outstanding record: ${bytes.toString('utf8', lineStart, nl).slice(0, 300)}`) // prettier-ignore
              continue
            }
            const began = sentAt[head]
            head = (head + 1) % capacity
            outstanding--
            if (reportOk(bytes, lineStart, nl)) meter.okRecord(began, now, job.valueBytes)
            else meter.fail(now, `report: ${bytes.toString('utf8', lineStart, nl).trim().slice(0, 300)}`)
          }
          rest = start < bytes.length ? Buffer.from(bytes.subarray(start)) : undefined
          fill()
        })
        response.on('end', () => {
          if (outstanding > 0 && writing === false && performance.now() <= meter.end)
            meter.fail(performance.now(), `response ended with ${outstanding} records unreported`)
          finish()
        })
        response.on('error', finish)
      })
      request.on('error', error => {
        meter.fail(performance.now(), `connection ${c}: ${error.message}`)
        finish()
      })
      const wait = meter.untilStart() - job.window.warmupMs
      setTimeout(fill, Math.max(0, wait))
      setTimeout(fill, meter.end - performance.now() + 1) // ends the request body even when no report arrives
    })

  await Promise.all(Array.from({ length: job.connections }, (_, c) => connection(c)))
  const result = meter.result()
  if (status !== 200 && refused && result.records === 0) result.skipped = refused
  return result
}

serveJob<LoadJob, LoadResult>((job, announce) =>
  job.kind === 'http' ? runHttp(job, announce) : runStream(job, announce)
)

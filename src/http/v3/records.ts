// v3 produce (application/json in and out; the cluster id in the path is echoed, not checked, as upstream):
//   POST /v3/clusters/{c}/topics/{t}/records        body: a stream of concatenated JSON record objects.
//        → 200 from the first record on, chunked: one delivery report per object, CRLF-separated, in input
//          order, written as each record is acknowledged (full duplex). Malformed JSON → one 400 report, end.
//          Empty body → 422. An object over api.v3.produce.request.size.limit.max.bytes → 400 report, end.
//   POST /v3/clusters/{c}/topics/{t}/records:batch  {"entries":[{"id":..., record fields}]}
//        → 207 {"successes":[...],"failures":[...]}; whole-request problems → 422/42208.
import { type Readable, PassThrough } from 'node:stream'
import { type FastifyInstance } from 'fastify'
import { errors } from '../../errors/codes.ts'
import { RestError } from '../../errors/rest-error.ts'
import { type RecordResult } from '../../model/produce.ts'
import { type ProduceService } from '../../services/produce.ts'
import { JsonSplitter } from '../../util/json-splitter.ts'
import { type ProduceRateLimiter } from '../../util/rate-limiter.ts'
import { mediaTypes } from '../media.ts'
import { errorReport, isoTimestamp, type ParsedRecord, parseRecordRequest } from './record-request.ts'

export interface RecordsOptions {
  maxBatchEntries: number
  maxRecordBytes: number
  maxStreamMs: number
  streamGraceMs: number
  rateLimiter: ProduceRateLimiter | undefined
}

const rateLimited = {
  error_code: 429,
  message: 'Request rate limit exceeded: The rate limit of requests per second has been exceeded.'
}

type Params = { Params: { cluster_id: string; topic_name: string } }
type Report = Record<string, unknown>

// Reports not yet written to the client before we stop reading its request (backpressure on the request).
const maxOutstanding = 2048

async function report(
  service: ProduceService,
  clusterId: string,
  topic: string,
  parsed: ParsedRecord
): Promise<Report> {
  const [result] = await service.produce(topic, [parsed.record])
  return deliveryReport(clusterId, topic, parsed, result)
}

function deliveryReport(clusterId: string, topic: string, parsed: ParsedRecord, result: RecordResult): Report {
  if (!result.ok) return errorReport(result.error)
  const out: Report = {
    error_code: 200,
    cluster_id: clusterId,
    topic_name: topic,
    partition_id: result.partition,
    offset: Number(result.offset),
    timestamp: isoTimestamp(result.timestamp)
  }
  if (parsed.key) out.key = parsed.key
  if (parsed.value) out.value = parsed.value
  return out
}

type Item = { text: string } | { error: RestError }

// Stopping early must not destroy the request: the client still reads its reports (see drain below).
async function* objects(source: Readable | undefined, splitter: JsonSplitter): AsyncGenerator<Item> {
  if (!source) return
  for await (const chunk of source.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    const { values, error } = splitter.push(chunk)
    for (const text of values) yield { text }
    if (error) {
      yield { error: new RestError(errors.badRequest, error.message) }
      return
    }
  }
  if (splitter.incomplete) yield { error: new RestError(errors.badRequest, 'Unexpected end of input in a JSON object') }
}

export function recordsRoutes(app: FastifyInstance, options: RecordsOptions): void {
  const { produce } = app.services
  const budget = app.produceBudget

  // The streaming route gets the raw request stream instead of a parsed body.
  app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser(mediaTypes.json, (_request, payload, next) => next(null, payload))
    scope.post<Params>('/clusters/:cluster_id/topics/:topic_name/records', async (request, reply) => {
      const { cluster_id: clusterId, topic_name: topic } = request.params
      const started = Date.now()
      const items = objects(request.body as Readable | undefined, new JsonSplitter(options.maxRecordBytes))
      const first = await items.next()
      if (first.done)
        throw new RestError(errors.unprocessable, 'Payload error. Request body is empty. Data is required.')

      const out = new PassThrough()
      void reply.type(mediaTypes.json).send(out)
      // Reports leave in input order: each slot is filled when its record is done, and every run of filled
      // slots at the head goes out in one write (one HTTP chunk, not one per record).
      const slots: (string | undefined)[] = []
      const slotBytes: number[] = []
      let base = 0 // id of slots[0]: ids are absolute, the arrays are compacted as the head moves on
      let head = 0 // index of the oldest unwritten slot
      let outstanding = 0
      let closing = false
      let drained: Promise<void> = Promise.resolve()
      let allWritten: (() => void) | undefined
      let belowLowWater: (() => void) | undefined
      const flush = () => {
        let text = ''
        let bytes = 0
        while (head < slots.length && slots[head] !== undefined) {
          text += slots[head]
          bytes += slotBytes[head]
          slots[head] = undefined
          head++
          outstanding--
        }
        if (head >= 1024 || head === slots.length) {
          slots.splice(0, head)
          slotBytes.splice(0, head)
          base += head
          head = 0
        }
        budget.release(bytes)
        if (text !== '' && !out.destroyed && !out.write(text)) {
          // A client that stops reading its reports stops us reading its records (and a gone one ends it all).
          drained = new Promise(resolve => {
            out.once('drain', resolve)
            out.once('close', resolve)
          })
        }
        if (outstanding === 0) allWritten?.()
        if (outstanding <= maxOutstanding / 2) belowLowWater?.()
      }
      // Every report goes through here; the record's bytes leave the budget once its report is written.
      const emit = (pending: Promise<Report> | Report, bytes = 0) => {
        const id = base + slots.length
        slots.push(undefined)
        slotBytes.push(bytes)
        outstanding++
        const fill = (r: Report) => {
          slots[id - base] = `${JSON.stringify(r)}\r\n`
          if (id - base === head) flush()
        }
        if (pending instanceof Promise) void pending.then(fill)
        else fill(pending)
      }
      const handle = (item: Item, bytes: number): boolean => {
        if ('error' in item) {
          emit(errorReport(item.error), bytes)
          return false
        }
        if (Date.now() - started > options.maxStreamMs) {
          emit(
            {
              error_code: 408,
              message: 'Streaming connection open for longer than allowed: Connection will be closed.'
            },
            bytes
          )
          if (!closing) {
            closing = true
            setTimeout(() => request.raw.destroy(), options.streamGraceMs).unref()
          }
          return true
        }
        if (options.rateLimiter && !options.rateLimiter.admit(clusterId, item.text.length)) {
          emit(rateLimited, bytes)
          return true
        }
        let parsed: ParsedRecord
        try {
          parsed = parseRecordRequest(JSON.parse(item.text))
        } catch (error) {
          const rest = error instanceof RestError ? error : new RestError(errors.badRequest, (error as Error).message)
          emit(errorReport(rest), bytes)
          return !(error instanceof SyntaxError)
        }
        emit(report(produce, clusterId, topic, parsed), bytes)
        return true
      }

      // Over the shared byte budget the stream waits (and so stops reading) instead of failing.
      const admit = async (item: Item) => {
        const bytes = 'text' in item ? item.text.length : 0
        await budget.acquire(bytes)
        return handle(item, bytes)
      }

      // Read, produce and answer concurrently; the response ends once every report is written.
      void (async () => {
        try {
          let ok = await admit(first.value)
          if (ok) {
            for await (const item of items) {
              ok = await admit(item)
              if (!ok) break
              await drained
              if (outstanding >= maxOutstanding) await new Promise<void>(resolve => (belowLowWater = resolve))
              belowLowWater = undefined
            }
          }
          if (outstanding > 0) await new Promise<void>(resolve => (allWritten = resolve))
          out.end()
          if (!ok) drain(request.raw, options.streamGraceMs)
        } catch (error) {
          // The client went away mid-stream: its records in flight still complete; nothing else is affected.
          request.log.info({ err: error }, 'produce stream aborted')
          out.destroy()
        }
      })()
      return reply
    })
    done()
  })

  app.post<Params>(
    '/clusters/:cluster_id/topics/:topic_name/records::batch',
    { config: { admit: true } },
    async (request, reply) => {
      const { cluster_id: clusterId, topic_name: topic } = request.params
      const entries = batchEntries(request.body, options.maxBatchEntries)
      const parsed = entries.map(entry => {
        try {
          if (options.rateLimiter && !options.rateLimiter.admit(clusterId, JSON.stringify(entry).length)) {
            return new RestError({ code: 429, message: rateLimited.message })
          }
          return parseRecordRequest(entry, ['id'])
        } catch (error) {
          return error as RestError
        }
      })
      const valid = parsed.filter((p): p is ParsedRecord => !(p instanceof RestError))
      const results = await produce.produce(
        topic,
        valid.map(p => p.record)
      )
      const successes: Report[] = []
      const failures: Report[] = []
      let next = 0
      parsed.forEach((p, i) => {
        const id = (entries[i] as { id: string }).id
        const rep = p instanceof RestError ? errorReport(p) : deliveryReport(clusterId, topic, p, results[next++])
        if (rep.error_code === 200) {
          const { error_code: _code, ...rest } = rep
          successes.push({ id, ...rest })
        } else {
          failures.push({ id, ...rep })
        }
      })
      return reply.code(207).send({ successes, failures })
    }
  )
}

// After a fatal input error the rest of the body is read and dropped, so the client gets its reports and a
// clean end; a client that keeps sending is disconnected after the grace period.
function drain(source: Readable, graceMs: number): void {
  if (source.readableEnded) return
  source.resume()
  const timer = setTimeout(() => source.destroy(), Math.max(graceMs, 1000))
  timer.unref()
  source.once('end', () => clearTimeout(timer))
}

const idPattern = /^[0-9a-zA-Z_-]{1,80}$/

function batchEntries(body: unknown, max: number): unknown[] {
  const invalid = (message: string) => new RestError(errors.batchPayload, message)
  if (body === undefined || body === null) throw invalid('Request body is empty. Data is required.')
  if (typeof body !== 'object' || Array.isArray(body))
    throw new RestError(errors.badRequest, 'Bad Request: the request body must be a JSON object')
  for (const field of Object.keys(body)) {
    if (field !== 'entries') throw new RestError(errors.unprocessable, `Unrecognized field: ${field}`)
  }
  const entries = (body as { entries?: unknown }).entries
  if (!Array.isArray(entries) || entries.length === 0) throw invalid('Empty batch.')
  if (entries.length > max) throw invalid('Too many entries in batch.')
  const ids = new Set<string>()
  for (const entry of entries) {
    const id = (entry as { id?: unknown } | null)?.id
    if (typeof id !== 'string' || !idPattern.test(id)) throw invalid('Batch entry identifier is not a valid string.')
    ids.add(id)
  }
  if (ids.size !== entries.length) throw invalid('Batch entry IDs are not distinct.')
  return entries
}

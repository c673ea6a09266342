// v3 produce (application/json in and out; the cluster id in the path is echoed, not checked, as upstream):
//   POST /v3/clusters/{c}/topics/{t}/records        body: a stream of concatenated JSON record objects.
//        → 200 from the first record on, chunked: one delivery report per object, CRLF-separated, in input
//          order, written as each record is acknowledged (full duplex). Malformed JSON → one 400 report, end.
//          Empty body → 422. An object over api.v3.produce.request.size.limit.max.bytes → 400 report, end.
//   POST /v3/clusters/{c}/topics/{t}/records:batch  {"entries":[{"id":..., record fields}]}
//        → 207 {"successes":[...],"failures":[...]}; whole-request problems → 422/42208.
// Schema'd sides (AVRO, JSONSCHEMA, PROTOBUF; schema, schema_id, schema_version or the latest) are serialized
// through the Schema Registry (services/schemas.ts); without schema.registry.url they fail with 42206.
import { type Readable, PassThrough } from 'node:stream'
import { type FastifyInstance } from 'fastify'
import { errors } from '../../errors/codes.ts'
import { RestError } from '../../errors/rest-error.ts'
import { type RecordResult } from '../../model/produce.ts'
import { parseExact } from '../../serde/exact-json.ts'
import { JsonSplitter } from '../../util/json-splitter.ts'
import { type ProduceRateLimiter } from '../../util/rate-limiter.ts'
import { mediaTypes } from '../media.ts'
import { isoTimestamp, type ParsedRecord, parseRecordRequest, type SideReport } from './record-request.ts'
import { parsePlainRecord } from './record-text.ts'
import { drain, errorBody, errorLine, firstRecords, OrderedReports, readRecords } from './record-stream.ts'
import { serializeSides, serializeSidesNow } from './schema-sides.ts'

export interface RecordsOptions {
  maxBatchEntries: number
  maxRecordBytes: number
  maxStreamMs: number
  streamGraceMs: number
  rateLimiter: ProduceRateLimiter | undefined
}

type Params = { Params: { cluster_id: string; topic_name: string } }
type Report = Record<string, unknown>

const rateLimited = new RestError(
  errors.tooManyRequests,
  'Request rate limit exceeded: The rate limit of requests per second has been exceeded.'
)
const tooLong = new RestError(
  errors.requestTimeout,
  'Streaming connection open for longer than allowed: Connection will be closed.'
)
const noData = () => new RestError(errors.unprocessable, 'Payload error. Request body is empty. Data is required.')

const side = (name: string, s: SideReport | undefined) => {
  if (s === undefined) return ''
  if (s.subject === undefined) return `,"${name}":{"type":"${s.type}","size":${s.size}}`
  return `,"${name}":{"type":"${s.type}","subject":${JSON.stringify(s.subject)},"schema_id":${s.schema_id},"schema_version":${s.schema_version},"size":${s.size}}`
}

const asRestError = (error: unknown) =>
  error instanceof RestError ? error : new RestError(errors.internal, (error as Error).message, { cause: error })

// The success report as one string; the same fields and order as deliveryReport() (a unit test holds them equal).
export function successLine(prefix: string, parsed: ParsedRecord, result: RecordResult): string {
  if (!result.ok) return errorLine(result.error)
  return `${prefix}${result.partition},"offset":${result.offset},"timestamp":"${isoTimestamp(result.timestamp)}"${side('key', parsed.key)}${side('value', parsed.value)}}\r\n`
}

export function reportPrefix(clusterId: string, topic: string): string {
  return `{"error_code":200,"cluster_id":${JSON.stringify(clusterId)},"topic_name":${JSON.stringify(topic)},"partition_id":`
}

export function deliveryReport(clusterId: string, topic: string, parsed: ParsedRecord, result: RecordResult): Report {
  if (!result.ok) return errorBody(result.error)
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

export function recordsRoutes(app: FastifyInstance, options: RecordsOptions): void {
  const { produce, schemas } = app.services
  const budget = app.produceBudget

  // The streaming route gets the raw request stream instead of a parsed body.
  app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser(mediaTypes.json, (_request, payload, next) => next(null, payload))
    scope.post<Params>('/clusters/:cluster_id/topics/:topic_name/records', async (request, reply) => {
      const { cluster_id: clusterId, topic_name: topic } = request.params
      const started = Date.now()
      const source = request.body as Readable | undefined
      if (!source) throw noData()
      // Stopping early must not destroy the request: the client still reads its reports (see drain).
      const chunks = source.iterator({ destroyOnReturn: false }) as AsyncIterator<Buffer>
      const splitter = new JsonSplitter(options.maxRecordBytes)
      const first = await firstRecords(chunks, splitter)
      if (!first) throw noData()

      const out = new PassThrough()
      void reply.type(mediaTypes.json).send(out)
      const reports = new OrderedReports(out, budget)
      const prefix = reportPrefix(clusterId, topic)
      let closing = false
      // Records reach Kafka in request order: while an earlier schema'd record waits for its serialization
      // (registry calls), later records queue behind it. `handed` settles once that record went to the producer.
      let handed: Promise<void> | undefined

      const handle = (text: string, bytes: number): boolean => {
        if (Date.now() - started > options.maxStreamMs) {
          reports.emit(errorLine(tooLong), bytes)
          if (!closing) {
            closing = true
            setTimeout(() => request.raw.destroy(), options.streamGraceMs).unref()
          }
          return true
        }
        if (options.rateLimiter && !options.rateLimiter.admit(clusterId, bytes)) {
          reports.emit(errorLine(rateLimited), bytes)
          return true
        }
        let parsed = parsePlainRecord(text)
        if (!parsed) {
          try {
            parsed = parseRecordRequest(parseExact(text), [], schemas !== undefined, text.includes('\\'))
          } catch (error) {
            const rest = error instanceof RestError ? error : new RestError(errors.badRequest, (error as Error).message)
            reports.emit(errorLine(rest), bytes)
            return !(error instanceof SyntaxError)
          }
        }
        // Records whose schemas are known (or that have none) go straight to the producer when nothing waits
        // before them; the others wait for the registry in a promise chain that keeps their order.
        let ready = !parsed.schemaKey && !parsed.schemaValue
        if (!ready && !handed) {
          try {
            ready = serializeSidesNow(parsed, topic, schemas!)
          } catch (error) {
            reports.emit(errorLine(asRestError(error)), bytes)
            return true
          }
        }
        if (ready && !handed) {
          const id = reports.reserve(bytes)
          const sent = parsed // a const, for the callback
          produce.produceOne(topic, sent.record, result => reports.fill(id, successLine(prefix, sent, result)))
          return true
        }
        const before = handed
        const serialized = parsed.schemaKey || parsed.schemaValue ? serializeSides(parsed, topic, schemas!) : undefined
        serialized?.catch(() => {}) // awaited below, after the records before it: not unhandled meanwhile
        const gate = Promise.withResolvers<void>()
        handed = gate.promise
        void gate.promise.then(() => {
          if (handed === gate.promise) handed = undefined
        })
        const line = (async () => {
          await before
          try {
            await serialized
          } catch (error) {
            gate.resolve()
            return errorLine(asRestError(error))
          }
          const result = new Promise<RecordResult>(done => produce.produceOne(topic, parsed.record, done))
          gate.resolve()
          return successLine(prefix, parsed, await result)
        })()
        reports.emit(line, bytes)
        return true
      }

      // Read, produce and answer concurrently; the response ends once every report is written.
      void (async () => {
        try {
          const { completed } = await readRecords(chunks, splitter, first, reports, budget, handle)
          const idle = reports.idle()
          if (idle) await idle
          out.end()
          if (!completed) drain(source, options.streamGraceMs)
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
            return rateLimited
          }
          return parseRecordRequest(entry, ['id'], schemas !== undefined, request.bodyHasEscapes)
        } catch (error) {
          return error as RestError
        }
      })
      // schema'd entries are serialized (concurrently) before the batch is produced in entry order
      await Promise.all(
        parsed.map(async (p, i) => {
          if (p instanceof RestError || (!p.schemaKey && !p.schemaValue)) return
          try {
            await serializeSides(p, topic, schemas!)
          } catch (error) {
            parsed[i] = asRestError(error)
          }
        })
      )
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
        const rep = p instanceof RestError ? errorBody(p) : deliveryReport(clusterId, topic, p, results[next++])
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

const idPattern = /^[0-9a-zA-Z_-]{1,80}$/

function batchEntries(body: unknown, max: number): unknown[] {
  const invalid = (message: string) => new RestError(errors.batchPayload, message)
  if (body === undefined || body === null) throw invalid('Request body is empty. Data is required.')
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new RestError(errors.badRequest, 'Bad Request: the request body must be a JSON object')
  }
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

// v2 produce:
//   POST /topics/{topic}                      binary | json (| v2 = binary)   → 200 produce response
//   POST /topics/{topic}/partitions/{p}       binary | json                   → 200; 404/40402 unknown partition
// Body {"records":[{"key":..,"value":..,"partition":n}]}; binary keys/values are base64, json ones any JSON.
// The whole request is validated before anything is written: 422 for no/empty records or unknown fields, 400 for
// bad base64 or types, 404/40402 for a partition the topic does not have. Per-record Kafka failures are data in
// the response (error_code 40101/40301/50003/50002); HTTP 401/403 if any record failed authn/authz.
import { type FastifyInstance } from 'fastify'
import { errors } from '../../errors/codes.ts'
import { RestError } from '../../errors/rest-error.ts'
import { type OutgoingRecord, type RecordResult } from '../../model/produce.ts'
import { decodeBase64, encodeJson } from '../../serde/embedded.ts'
import { essence, mediaTypes } from '../media.ts'
import { intParam } from '../params.ts'

type Format = 'binary' | 'json'
const formatOf: Record<string, Format> = {
  [mediaTypes.binaryV2]: 'binary',
  [mediaTypes.v2]: 'binary',
  [mediaTypes.jsonV2]: 'json'
}

const bad = (message: string) => new RestError(errors.badRequest, `Bad Request: ${message}`)

function encode(format: Format, data: unknown, where: string): Buffer | null {
  if (data === null || data === undefined) return null
  if (format === 'json') return encodeJson(data)
  if (typeof data !== 'string') throw bad(`${where} must be a base64 string`)
  const bytes = decodeBase64(data)
  if (!bytes) throw bad(`${where} is not a valid base64 string`)
  return bytes
}

export function parseRecords(format: Format, body: unknown): OutgoingRecord[] {
  if (body === undefined || body === null)
    throw new RestError(errors.unprocessable, 'Request body is empty. Data is required.')
  if (typeof body !== 'object' || Array.isArray(body)) throw bad('the request body must be a JSON object')
  for (const field of Object.keys(body)) {
    if (field !== 'records') throw new RestError(errors.unprocessable, `Unrecognized field: ${field}`)
  }
  const records = (body as { records?: unknown }).records
  if (!Array.isArray(records) || records.length === 0)
    throw new RestError(errors.unprocessable, 'records must not be empty')
  return records.map((record: unknown, i) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record))
      throw bad(`records[${i}] must be an object`)
    const { key, value, partition, ...rest } = record as Record<string, unknown>
    const unknown = Object.keys(rest)[0]
    if (unknown !== undefined) throw new RestError(errors.unprocessable, `Unrecognized field: ${unknown}`)
    if (partition !== undefined && partition !== null && !Number.isInteger(partition)) {
      throw bad(`records[${i}].partition must be an integer`)
    }
    const out: OutgoingRecord = {
      key: encode(format, key, `records[${i}].key`),
      value: encode(format, value, `records[${i}].value`)
    }
    if (typeof partition === 'number') out.partition = partition
    return out
  })
}

// kafka-rest's per-record codes for v2: authn, authz, retriable (50003) or any other Kafka failure (50002).
function v2Code(error: RestError): number {
  if (error.errorCode === errors.kafkaAuthentication.code || error.errorCode === errors.kafkaAuthorization.code)
    return error.errorCode
  const retriable: number[] = [
    errors.kafkaRetriable.code,
    errors.topicNotFound.code,
    errors.brokerNotAvailable.code,
    errors.leaderNotAvailable.code
  ]
  return retriable.includes(error.errorCode) ? errors.kafkaRetriable.code : errors.kafka.code
}

export function produceResponse(results: RecordResult[]) {
  let status = 200
  const offsets = results.map(r => {
    if (r.ok) return { partition: r.partition, offset: Number(r.offset), error_code: null, error: null }
    const code = v2Code(r.error)
    if (code === errors.kafkaAuthentication.code) status = 401
    else if (code === errors.kafkaAuthorization.code && status !== 401) status = 403
    return { partition: null, offset: null, error_code: code, error: r.error.message }
  })
  return { status, body: { offsets, key_schema_id: null, value_schema_id: null } }
}

type TopicParams = { Params: { topic: string } }
type PartitionParams = { Params: { topic: string; partition: string } }

export function produceRoutes(app: FastifyInstance): void {
  const { produce } = app.services
  const produces = [{ type: mediaTypes.v2 }]

  const run = async (format: Format, topic: string, body: unknown, pathPartition?: number) => {
    const records = parseRecords(format, body)
    if (pathPartition !== undefined) for (const r of records) r.partition ??= pathPartition
    // Explicit partitions are checked against the topic before anything is written.
    const explicit = records.some(r => r.partition !== undefined)
    if (explicit) {
      const count = await produce.partitions(topic).catch(() => undefined)
      if (
        count !== undefined &&
        records.some(r => r.partition !== undefined && (r.partition < 0 || r.partition >= count))
      ) {
        throw new RestError(errors.partitionNotFound)
      }
    }
    return produceResponse(await produce.produce(topic, records))
  }

  app.post<TopicParams>(
    '/topics/:topic',
    { config: { produces, consumes: [mediaTypes.binaryV2, mediaTypes.jsonV2, mediaTypes.v2], admit: true } },
    async (request, reply) => {
      const format = formatOf[essence(request.headers['content-type'])] ?? 'binary'
      const { status, body } = await run(format, request.params.topic, request.body)
      return reply.code(status).send(body)
    }
  )

  app.post<PartitionParams>(
    '/topics/:topic/partitions/:partition',
    { config: { produces, consumes: [mediaTypes.binaryV2, mediaTypes.jsonV2], admit: true } },
    async (request, reply) => {
      const partition = intParam(request.params.partition)
      const format = formatOf[essence(request.headers['content-type'])] ?? 'binary'
      const { status, body } = await run(format, request.params.topic, request.body, partition)
      return reply.code(status).send(body)
    }
  )
}

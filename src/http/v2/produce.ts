// v2 produce:
//   POST /topics/{topic}                 binary | json | avro | jsonschema | protobuf (| v2 = binary) → 200
//   POST /topics/{topic}/partitions/{p}  binary | json | avro | jsonschema | protobuf → 200; 404/40402 no such partition
// Body {"records":[{"key":..,"value":..,"partition":n}]}; binary keys/values are base64, json ones any JSON; the
// schema'd formats add key_schema/key_schema_id and value_schema/value_schema_id (schema-produce.ts) and their
// response echoes the schema ids used.
// The whole request is validated before anything is written: 422 for no/empty records or unknown fields, 400 for
// bad base64 or types, 404/40402 for a partition the topic does not have. Per-record Kafka failures are data in
// the response (error_code 40101/40301/50003/50002); HTTP 401/403 if any record failed authn/authz.
import { type FastifyInstance, type FastifyRequest } from 'fastify'
import { errors } from '../../errors/codes.ts'
import { RestError } from '../../errors/rest-error.ts'
import { type OutgoingRecord, type RecordResult } from '../../model/produce.ts'
import { decodeBase64, encodeJson } from '../../serde/embedded.ts'
import { type SchemaFormat } from '../../services/schemas.ts'
import { essence, mediaTypes } from '../media.ts'
import { intParam } from '../params.ts'
import { recordList, recordParts } from './produce-body.ts'
import { serializeSchemaRecords } from './schema-produce.ts'

type Format = 'binary' | 'json'
const formatOf: Record<string, Format> = {
  [mediaTypes.binaryV2]: 'binary',
  [mediaTypes.v2]: 'binary',
  [mediaTypes.jsonV2]: 'json'
}

const schemaFormatOf = new Map<string, SchemaFormat>([
  [mediaTypes.avroV2, 'AVRO'],
  [mediaTypes.jsonschemaV2, 'JSONSCHEMA'],
  [mediaTypes.protobufV2, 'PROTOBUF']
])

const bad = (message: string) => new RestError(errors.badRequest, `Bad Request: ${message}`)

function encode(format: Format, data: unknown, where: string, escapes: boolean): Buffer | null {
  if (data === null || data === undefined) return null
  if (format === 'json') return encodeJson(data, escapes)
  if (typeof data !== 'string') throw bad(`${where} must be a base64 string`)
  const bytes = decodeBase64(data)
  if (!bytes) throw bad(`${where} is not a valid base64 string`)
  return bytes
}

// `escapes`: whether the body's text had a backslash (see encodeJson).
export function parseRecords(format: Format, body: unknown, escapes = true): OutgoingRecord[] {
  return recordList(body, ['records']).records.map((record: unknown, i) => {
    const { key, value, partition } = recordParts(record, i)
    const out: OutgoingRecord = {
      key: encode(format, key, `records[${i}].key`, escapes),
      value: encode(format, value, `records[${i}].value`, escapes)
    }
    if (partition !== undefined) out.partition = partition
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

export function produceResponse(
  results: RecordResult[],
  schemaIds: { key: number | null; value: number | null } = { key: null, value: null }
) {
  let status = 200
  const offsets = results.map(r => {
    if (r.ok) return { partition: r.partition, offset: Number(r.offset), error_code: null, error: null }
    const code = v2Code(r.error)
    if (code === errors.kafkaAuthentication.code) status = 401
    else if (code === errors.kafkaAuthorization.code && status !== 401) status = 403
    return { partition: null, offset: null, error_code: code, error: r.error.message }
  })
  return { status, body: { offsets, key_schema_id: schemaIds.key, value_schema_id: schemaIds.value } }
}

type TopicParams = { Params: { topic: string } }
type PartitionParams = { Params: { topic: string; partition: string } }

export function produceRoutes(app: FastifyInstance): void {
  const { produce, schemas } = app.services
  const produces = [{ type: mediaTypes.v2 }]

  // Serializes the whole request (nothing is written when any record fails), checks explicit partitions against
  // the topic, then produces.
  const run = async (request: FastifyRequest<TopicParams>, pathPartition?: number) => {
    const { body } = request
    const topic = request.params.topic
    const type = essence(request.headers['content-type'])
    const schemaFormat = schemaFormatOf.get(type)
    let records: OutgoingRecord[]
    let schemaIds: { key: number | null; value: number | null } | undefined
    if (schemaFormat) ({ records, schemaIds } = await serializeSchemaRecords(schemas, topic, schemaFormat, body))
    else records = parseRecords(formatOf[type] ?? 'binary', body, request.bodyHasEscapes)
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
    return produceResponse(await produce.produce(topic, records), schemaIds)
  }

  const schemaTypes = [mediaTypes.avroV2, mediaTypes.jsonschemaV2, mediaTypes.protobufV2]

  app.post<TopicParams>(
    '/topics/:topic',
    {
      config: {
        produces,
        consumes: [mediaTypes.binaryV2, mediaTypes.jsonV2, mediaTypes.v2, ...schemaTypes],
        admit: true
      }
    },
    async (request, reply) => {
      const { status, body } = await run(request)
      return reply.code(status).send(body)
    }
  )

  app.post<PartitionParams>(
    '/topics/:topic/partitions/:partition',
    { config: { produces, consumes: [mediaTypes.binaryV2, mediaTypes.jsonV2, ...schemaTypes], admit: true } },
    async (request, reply) => {
      const partition = intParam(request.params.partition)
      const { status, body } = await run(request, partition)
      return reply.code(status).send(body)
    }
  )
}

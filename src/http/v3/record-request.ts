// One v3 produce request object (streamed /records or a batch entry) → a record for Kafka, or the per-record
// error Confluent answers. Shape: {"partition_id", "headers":[{"name","value"}], "key":{spec}, "value":{spec},
// "timestamp"}; spec: {"type": BINARY|JSON|STRING|AVRO|JSONSCHEMA|PROTOBUF, "data", "subject",
// "subject_name_strategy", "schema_id", "schema_version", "schema"}.
import { errors } from '../../errors/codes.ts'
import { RestError } from '../../errors/rest-error.ts'
import { type OutgoingRecord } from '../../model/produce.ts'
import { decodeBase64, encodeJson } from '../../serde/embedded.ts'
import { isSchemaSpec, type SchemaSide, schemaSide } from './schema-sides.ts'

// Schema'd sides also name their schema (in this order: type, subject, schema_id, schema_version, size).
export type SideReport = { type: string; subject?: string; schema_id?: number; schema_version?: number; size: number }

export interface ParsedRecord {
  record: OutgoingRecord
  // Present when the request had that side: the delivery report echoes it.
  key?: SideReport
  value?: SideReport
  // Schema'd sides still to serialize (schema-sides.ts) before the record can be produced.
  schemaKey?: SchemaSide
  schemaValue?: SchemaSide
}

const topLevel = new Set(['partition_id', 'headers', 'key', 'value', 'timestamp'])
const specFields = new Set([
  'type',
  'data',
  'subject',
  'subject_name_strategy',
  'schema_id',
  'schema_version',
  'schema'
])
const schemaFields = ['subject', 'subject_name_strategy', 'schema_id', 'schema_version', 'schema'] as const

const bad = (message: string) => new RestError(errors.badRequest, `Bad Request: ${message}`)
const unrecognized = (field: string) => new RestError(errors.badRequest, `Unrecognized field: ${field}`)

function side(
  spec: unknown,
  which: 'key' | 'value',
  schemas: boolean,
  escapes: boolean
): { bytes: Buffer | null; report: SideReport } | SchemaSide {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw bad(`${which} must be an object`)
  for (const field of Object.keys(spec)) if (!specFields.has(field)) throw unrecognized(field)
  const { type, data } = spec as { type?: unknown; data?: unknown }
  // Upstream maps these fields to Optional: an explicit null is the same as leaving the field out.
  if (isSchemaSpec(type)) {
    // Schema'd data needs a Schema Registry (schema.registry.url).
    if (!schemas)
      throw new RestError(errors.payload, 'Payload error. Schema Registry must be configured when using schemas.')
    return schemaSide(spec as Record<string, unknown>)
  }
  if (type !== 'BINARY' && type !== 'JSON' && type !== 'STRING') {
    throw bad(`type must be one of BINARY, JSON, STRING, AVRO, JSONSCHEMA, PROTOBUF`)
  }
  for (const field of schemaFields) {
    const given = (spec as Record<string, unknown>)[field]
    if (given !== undefined && given !== null) throw bad(`${field} cannot be used with type ${type}`)
  }
  let bytes: Buffer | null = null
  if (data !== undefined && data !== null) {
    if (type === 'JSON') bytes = encodeJson(data, escapes)
    else if (typeof data !== 'string')
      throw bad(`data=${JSON.stringify(data)} is not a ${type === 'BINARY' ? 'base64 ' : ''}string.`)
    else if (type === 'STRING') bytes = Buffer.from(data)
    else {
      const decoded = decodeBase64(data)
      if (!decoded) throw bad(`data=${data} is not a valid base64 string.`)
      bytes = decoded
    }
  }
  return { bytes, report: { type, size: bytes ? bytes.length : -1 } }
}

function headersOf(value: unknown): [string, Buffer | null][] {
  if (!Array.isArray(value)) throw bad('headers must be an array')
  return value.map((header: unknown) => {
    if (typeof header !== 'object' || header === null) throw bad('each header must be an object')
    const { name, value: data, ...rest } = header as Record<string, unknown>
    const extra = Object.keys(rest)[0]
    if (extra !== undefined) throw unrecognized(extra)
    if (typeof name !== 'string') throw bad('header name must be a string')
    if (data === undefined || data === null) return [name, null]
    if (typeof data !== 'string') throw bad(`header ${name} value is not a base64 string.`)
    const bytes = decodeBase64(data)
    if (!bytes) throw bad(`header ${name} value is not a valid base64 string.`)
    return [name, bytes]
  })
}

// Throws a RestError for an invalid request; `extraFields` are allowed besides the record's own (batch ids);
// `schemas`: a Schema Registry is configured (else schema'd sides answer 42206); `escapes`: whether the JSON text
// of `input` had a backslash (see encodeJson).
export function parseRecordRequest(
  input: unknown,
  extraFields: readonly string[] = [],
  schemas = false,
  escapes = true
): ParsedRecord {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw bad('a record must be a JSON object')
  const fields = input as Record<string, unknown>
  for (const field of Object.keys(fields))
    if (!topLevel.has(field) && !extraFields.includes(field)) throw unrecognized(field)
  const record: OutgoingRecord = { key: null, value: null }
  const parsed: ParsedRecord = { record }
  const { partition_id: partition, headers, key, value, timestamp } = fields
  if (partition !== undefined && partition !== null) {
    if (!Number.isInteger(partition)) throw bad('partition_id must be an integer')
    if ((partition as number) < 0) throw new RestError(errors.partitionNotFound)
    record.partition = partition as number
  }
  if (headers !== undefined && headers !== null) record.headers = headersOf(headers)
  if (timestamp !== undefined && timestamp !== null) {
    const ms = typeof timestamp === 'string' ? Date.parse(timestamp) : NaN
    if (Number.isNaN(ms)) throw bad(`timestamp ${JSON.stringify(timestamp)} is not an ISO-8601 date-time`)
    record.timestamp = ms
  }
  if (key !== undefined && key !== null) {
    const k = side(key, 'key', schemas, escapes)
    if ('spec' in k) parsed.schemaKey = k
    else {
      record.key = k.bytes
      parsed.key = k.report
    }
  }
  if (value !== undefined && value !== null) {
    const v = side(value, 'value', schemas, escapes)
    if ('spec' in v) parsed.schemaValue = v
    else {
      record.value = v.bytes
      parsed.value = v.report
    }
  }
  return parsed
}

// ISO-8601 as Jackson writes an Instant: milliseconds only when not zero. Records of one batch share their
// timestamp, so the last conversion is kept.
let lastMs = NaN
let lastIso = ''
export function isoTimestamp(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms
    lastIso = new Date(ms).toISOString().replace('.000Z', 'Z')
  }
  return lastIso
}

// v2 produce of schema'd data (avro, jsonschema, protobuf), format-neutral: the schema service resolves each side
// once per request and its codec serializes every record. Upstream's order and answers (kafka-rest
// AbstractProduceAction, SchemaManagerImpl, SchemaRecordSerializerImpl):
//   body  {"key_schema": "<raw>" | "key_schema_id": n, "value_schema": "<raw>" | "value_schema_id": n,
//          "records": [{"key", "value", "partition"}]}; ids may be numeric strings (Jackson's coercion)
//   1. the key side's schema, then the value side's: a raw schema is registered (or found) under the subject of
//      the configured strategy (<topic>-key / <topic>-value by default); an id is looked up under that subject.
//      Registry failures 42207 (40301 refused, 42205 invalid schema); both a raw schema and an id for one side
//      → 400 (upstream means to refuse it that way; its code fails with a 500); an id of a schema of another
//      format than the request's → 400
//   2. every record, key then value: null or absent → null (no schema needed); a non-null key without a key
//      schema → 422/42201, a value → 422/42202; data that does not fit its schema → 400 with the converter's text
//   3. only then is anything produced; the response echoes key_schema_id / value_schema_id (null: no schema)
// Without a Schema Registry: 42206 when a side names a schema, else 42207 (upstream's two answers).
import { errors } from '../../errors/codes.ts'
import { RestError } from '../../errors/rest-error.ts'
import { type OutgoingRecord } from '../../model/produce.ts'
import { type ResolvedSchema, type SchemaFormat, type SchemaService, type SchemaSpec } from '../../services/schemas.ts'
import { recordList, recordParts } from './produce-body.ts'

const fields = ['records', 'key_schema', 'key_schema_id', 'value_schema', 'value_schema_id'] as const

const bad = (message: string) => new RestError(errors.badRequest, `Bad Request: ${message}`)

/** What the body says about one side: a raw schema, an id, or nothing (absent or null). */
interface SideRequest {
  schema?: string
  id?: number
}

function text(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value) // Jackson's coercion
  throw bad(`${field} must be a string holding the schema`)
}

function id(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 2147483647)
    throw bad(`${field} must be a schema id (a non-negative integer)`)
  return n
}

export interface SchemaRecords {
  records: OutgoingRecord[]
  schemaIds: { key: number | null; value: number | null }
}

export async function serializeSchemaRecords(
  schemas: SchemaService | undefined,
  topic: string,
  format: SchemaFormat,
  raw: unknown
): Promise<SchemaRecords> {
  const { body, records } = recordList(raw, fields)
  const sides = {
    key: { schema: text(body.key_schema, 'key_schema'), id: id(body.key_schema_id, 'key_schema_id') },
    value: { schema: text(body.value_schema, 'value_schema'), id: id(body.value_schema_id, 'value_schema_id') }
  }
  const parts = records.map(recordParts)

  const named = (side: SideRequest) => side.schema !== undefined || side.id !== undefined
  if (!schemas) {
    if (named(sides.key) || named(sides.value))
      throw new RestError(errors.payload, 'Payload error. Schema Registry must be configured when using schemas.')
    throw new RestError(
      errors.serializing,
      'Error serializing message. Schema registry not defined, no Schema Registry client available to serialize message.'
    )
  }

  const resolve = async (side: SideRequest, isKey: boolean): Promise<ResolvedSchema | undefined> => {
    if (!named(side)) return undefined
    const which = isKey ? 'key' : 'value'
    if (side.schema !== undefined && side.id !== undefined)
      throw bad(`${which}_schema and ${which}_schema_id cannot be used together`)
    const spec: SchemaSpec = side.id !== undefined ? { schemaId: side.id } : { format, schema: side.schema }
    const resolved = await schemas.resolve(topic, isKey, spec)
    if (resolved.format !== format)
      throw bad(
        `${which}_schema_id ${side.id} names a ${resolved.format} schema, but the request's format is ${format}`
      )
    return resolved
  }
  const key = await resolve(sides.key, true)
  const value = await resolve(sides.value, false)

  const out = parts.map(({ key: k, value: v, partition }): OutgoingRecord => {
    const record: OutgoingRecord = { key: serialize(key, k, true), value: serialize(value, v, false) }
    if (partition !== undefined) record.partition = partition
    return record
  })
  return { records: out, schemaIds: { key: key?.schemaId ?? null, value: value?.schemaId ?? null } }
}

function serialize(schema: ResolvedSchema | undefined, data: unknown, isKey: boolean): Buffer | null {
  if (data === undefined || data === null) return null
  if (!schema) throw new RestError(isKey ? errors.keySchemaMissing : errors.valueSchemaMissing)
  return schema.encode(data)
}

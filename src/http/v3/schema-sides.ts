// The schema'd sides of a v3 produce request (type AVRO/JSONSCHEMA/PROTOBUF, or no type at all): the request's
// schema fields checked as upstream does, then serialized by the schema service (which may call the registry)
// before the record can be produced.
import { errors } from '../../errors/codes.ts'
import { RestError } from '../../errors/rest-error.ts'
import { type ParsedRecord } from './record-request.ts'
import {
  type ResolvedSchema,
  type SchemaFormat,
  schemaFormats,
  type SchemaService,
  type SchemaSpec,
  type SubjectNameStrategy,
  subjectNameStrategies
} from '../../services/schemas.ts'

export interface SchemaSide {
  spec: SchemaSpec
  data: unknown
}

const bad = (message: string) => new RestError(errors.badRequest, `Bad Request: ${message}`)

const isFormat = (type: unknown): type is SchemaFormat => (schemaFormats as readonly unknown[]).includes(type)

/** True when a data spec asks for schema'd data (a schema type, or no type). */
export const isSchemaSpec = (type: unknown): boolean => type === undefined || type === null || isFormat(type)

/** Checks the schema fields of one data spec; `fields` has already been checked for unknown names. */
export function schemaSide(fields: Record<string, unknown>): SchemaSide {
  const {
    type,
    data,
    subject,
    subject_name_strategy: strategy,
    schema_id: id,
    schema_version: version,
    schema
  } = fields
  const given = (value: unknown) => value !== undefined && value !== null
  const spec: SchemaSpec = {}
  if (type !== undefined && type !== null) {
    if (!isFormat(type)) throw bad('type must be one of BINARY, JSON, STRING, AVRO, JSONSCHEMA, PROTOBUF')
    if (!given(schema)) throw bad(`type ${type} needs a schema (raw schemas only; use schema_id without a type)`)
    if (given(id) || given(version)) throw bad(`schema_id and schema_version cannot be used with type ${type}`)
    spec.format = type
  } else if (given(schema)) {
    throw bad('schema needs a type (AVRO, JSONSCHEMA or PROTOBUF)')
  }
  if (given(subject) && given(strategy)) throw bad('subject and subject_name_strategy cannot be used together')
  if (given(id) && given(version)) throw bad('schema_id and schema_version cannot be used together')
  if (given(subject)) {
    if (typeof subject !== 'string' || subject === '') throw bad('subject must be a non-empty string')
    spec.subject = subject
  }
  if (given(strategy)) {
    if (!(subjectNameStrategies as readonly unknown[]).includes(strategy))
      throw bad(`subject_name_strategy must be one of ${subjectNameStrategies.join(', ')}`)
    spec.strategy = strategy as SubjectNameStrategy
  }
  if (given(id)) {
    if (!Number.isSafeInteger(id) || (id as number) < 0) throw bad('schema_id must be a non-negative integer')
    spec.schemaId = id as number
  }
  if (given(version)) {
    if (!Number.isSafeInteger(version) || (version as number) < 1)
      throw bad('schema_version must be a positive integer')
    spec.schemaVersion = version as number
  }
  if (given(schema)) {
    if (typeof schema !== 'string') throw bad('schema must be a string holding the schema')
    spec.schema = schema
  }
  return { spec, data }
}

/** Serializes the record's schema'd sides into its key/value bytes and their delivery-report entries. */
export async function serializeSides(parsed: ParsedRecord, topic: string, schemas: SchemaService): Promise<void> {
  if (serializeSidesNow(parsed, topic, schemas)) return
  const [key, value] = await Promise.all([
    parsed.schemaKey && schemas.resolve(topic, true, parsed.schemaKey.spec),
    parsed.schemaValue && schemas.resolve(topic, false, parsed.schemaValue.spec)
  ])
  if (key) encodeSide(parsed, 'key', key, parsed.schemaKey!.data)
  if (value) encodeSide(parsed, 'value', value, parsed.schemaValue!.data)
}

/**
 * serializeSides without waiting, when the schemas of both sides are known already (resolvedNow): true when done,
 * false when a registry call is needed. Throws (400) for data that does not fit.
 */
export function serializeSidesNow(parsed: ParsedRecord, topic: string, schemas: SchemaService): boolean {
  const key = parsed.schemaKey && schemas.resolvedNow(topic, true, parsed.schemaKey.spec)
  const value = parsed.schemaValue && schemas.resolvedNow(topic, false, parsed.schemaValue.spec)
  if ((parsed.schemaKey && !key) || (parsed.schemaValue && !value)) return false
  if (key) encodeSide(parsed, 'key', key, parsed.schemaKey!.data)
  if (value) encodeSide(parsed, 'value', value, parsed.schemaValue!.data)
  return true
}

function encodeSide(parsed: ParsedRecord, which: 'key' | 'value', schema: ResolvedSchema, data: unknown): void {
  const bytes = schema.encode(data)
  parsed.record[which] = bytes
  parsed[which] = {
    type: schema.format,
    subject: schema.subject,
    schema_id: schema.schemaId,
    schema_version: schema.schemaVersion,
    size: bytes.length
  }
}

// Renders consumed records as the JSON elements of a v2 GET /records answer, exactly
// {"topic","key","value","partition","offset"} in that order; with `metadata` (our opt-in creation field) also
// "timestamp" (epoch ms) and "headers" ([{"name","value"}], values base64 or null). binary keys/values are
// base64; json ones are the record bytes parsed as JSON (bytes that are not JSON refuse the record: 40801);
// avro/jsonschema/protobuf ones are Confluent frames decoded by the codec of the schema id they carry (bytes
// that are not a frame, a schema id of another format or that the registry does not know, or a payload that
// does not decode refuse the record: 40801). Each record is written as text directly: one string per record.
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { type ConsumedRecord } from '../model/consumer.ts'
import { type SchemaCodec, SchemaDataError } from './schema-codec.ts'
import { unframe, WireFormatError } from './wire-format.ts'

export const consumerFormats = ['binary', 'json', 'avro', 'jsonschema', 'protobuf'] as const
export type ConsumerFormat = (typeof consumerFormats)[number]
export type SchemaConsumerFormat = Exclude<ConsumerFormat, 'binary' | 'json'>

/**
 * The codecs of registered schemas, looked up synchronously by id (the hot path: a known id costs a map lookup).
 * Throws RecordPending (model/consumer.ts) while the schema is being fetched, a RestError (40801, or 40301 when
 * the registry refuses us) when it cannot be had.
 */
export interface SchemaDecoders {
  get(id: number): { format: SchemaConsumerFormat; codec: SchemaCodec }
}

export const needsSchemas = (format: ConsumerFormat): format is SchemaConsumerFormat =>
  format !== 'binary' && format !== 'json'

type Field = (bytes: Buffer, record: ConsumedRecord, what: string) => string

const base64: Field = bytes => `"${bytes.toString('base64')}"`

const json: Field = (bytes, record, what) => {
  try {
    return JSON.stringify(JSON.parse(bytes.toString('utf8')))
  } catch (error) {
    throw new RestError(
      errors.serialization,
      `Error deserializing message: the ${what} of ${record.topic}-${record.partition} at offset ${record.offset} is not JSON (${(error as Error).message}).`
    )
  }
}

const refused = (record: ConsumedRecord, what: string, reason: string) =>
  new RestError(
    errors.serialization,
    `Error deserializing message: the ${what} of ${record.topic}-${record.partition} at offset ${record.offset} ${reason}`
  )

function schemaField(format: SchemaConsumerFormat, decoders: SchemaDecoders): Field {
  const protobuf = format === 'protobuf' // Protobuf frames carry message indexes after the schema id
  return (bytes, record, what) => {
    let framed
    try {
      framed = unframe(bytes, protobuf)
    } catch (error) {
      if (!(error instanceof WireFormatError)) throw error
      throw refused(record, what, `is not in the Confluent wire format: ${error.message}`)
    }
    const id = framed.schemaId
    let found
    try {
      found = decoders.get(id)
    } catch (error) {
      if (!(error instanceof RestError) || error.errorCode !== errors.serialization.code) throw error
      throw refused(record, what, `names schema id ${id}: ${error.message.replace(/^Error deserializing message\. /, '')}`) // prettier-ignore
    }
    if (found.format !== format)
      throw refused(record, what, `names schema id ${id}, a ${found.format} schema, not ${format}`)
    try {
      return found.codec.decode(framed.payload, framed.messageIndexes)
    } catch (error) {
      if (!(error instanceof SchemaDataError)) throw error
      throw refused(record, what, `does not decode with schema id ${id}: ${error.message}`)
    }
  }
}

const fields: Record<'binary' | 'json', Field> = { binary: base64, json }

/** `decoders` are required for the schema'd formats. */
export function recordEncoder(
  format: ConsumerFormat,
  metadata: boolean,
  decoders?: SchemaDecoders
): (record: ConsumedRecord) => string {
  let field: Field
  if (needsSchemas(format)) {
    if (!decoders) throw new RestError(errors.internal, `No decoder for format ${format}.`)
    field = schemaField(format, decoders)
  } else {
    field = fields[format]
  }
  const topics = new Map<string, string>()
  return record => {
    let topic = topics.get(record.topic)
    if (topic === undefined) topics.set(record.topic, (topic = JSON.stringify(record.topic)))
    const key = record.key === null ? 'null' : field(record.key, record, 'key')
    const value = record.value === null ? 'null' : field(record.value, record, 'value')
    const head = `{"topic":${topic},"key":${key},"value":${value},"partition":${record.partition},"offset":${record.offset}`
    if (!metadata) return `${head}}`
    const headers = record.headers.map(
      ([name, v]) =>
        `{"name":${JSON.stringify(name?.toString('utf8') ?? '')},"value":${v === null ? 'null' : base64(v, record, '')}}`
    )
    return `${head},"timestamp":${record.timestamp},"headers":[${headers.join(',')}]}`
  }
}

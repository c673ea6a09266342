// Renders consumed records as the JSON elements of a v2 GET /records answer, exactly
// {"topic","key","value","partition","offset"} in that order; with `metadata` (our opt-in creation field) also
// "timestamp" (epoch ms) and "headers" ([{"name","value"}], values base64 or null). binary keys/values are
// base64; json ones are the record bytes parsed as JSON (bytes that are not JSON refuse the record: 40801).
// Each record is written as text directly: one string per record, no intermediate objects.
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { type ConsumedRecord } from '../model/consumer.ts'

export const consumerFormats = ['binary', 'json', 'avro', 'jsonschema', 'protobuf'] as const
export type ConsumerFormat = (typeof consumerFormats)[number]

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

const fields: Partial<Record<ConsumerFormat, Field>> = { binary: base64, json }

export function canEncode(format: ConsumerFormat): boolean {
  return fields[format] !== undefined
}

export function recordEncoder(format: ConsumerFormat, metadata: boolean): (record: ConsumedRecord) => string {
  const field = fields[format]
  if (!field) throw new RestError(errors.internal, `No decoder for format ${format}.`)
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

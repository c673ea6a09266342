// Renders consumed records as the JSON elements of a v2 GET /records answer, exactly
// {"topic","key","value","partition","offset"} in that order; with `metadata` (our opt-in creation field) also
// "timestamp" (epoch ms) and "headers" ([{"name","value"}], values base64 or null). binary keys/values are
// base64; json ones are the record bytes checked to be JSON and passed through compact (bytes that are not JSON
// refuse the record: 40801); avro/jsonschema/protobuf ones are Confluent frames decoded by the codec of the
// schema id they carry (bytes that are not a frame, a schema id of another format or that the registry does not
// know, or a payload that does not decode refuse the record: 40801). The records of a read are written straight
// into one body buffer (RecordsBody), the whole answer `[...]`.
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { type ConsumedRecord, type RecordSink } from '../model/consumer.ts'
import { type BufferPool } from '../util/buffer-pool.ts'
import { BodyWriter } from './body-writer.ts'
import { compactJson } from './json-text.ts'
import { headersOf } from './record-view.ts'
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

/** Writes one key or value (never null): `length` bytes of `record.data` from `start`; throws to refuse the record. */
type Field = (out: BodyWriter, record: ConsumedRecord, start: number, length: number, what: string) => void

const base64: Field = (out, record, start, length) => out.base64String(record.data, start, start + length)

const json: Field = (out, record, start, length, what) => {
  const text = compactJson(record.data.subarray(start, start + length))
  if (!text) throw refused(record, what, 'is not JSON text in UTF-8.')
  out.bytes(text)
}

const refused = (record: ConsumedRecord, what: string, reason: string) =>
  new RestError(
    errors.serialization,
    `Error deserializing message: the ${what} of ${record.topic}-${record.partition} at offset ${record.offset} ${reason}`
  )

function schemaField(format: SchemaConsumerFormat, decoders: SchemaDecoders): Field {
  const protobuf = format === 'protobuf' // Protobuf frames carry message indexes after the schema id
  return (out, record, start, length, what) => {
    let framed
    try {
      framed = unframe(record.data.subarray(start, start + length), protobuf)
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
    let text: string
    try {
      text = found.codec.decode(framed.payload, framed.messageIndexes)
    } catch (error) {
      if (!(error instanceof SchemaDataError)) throw error
      throw refused(record, what, `does not decode with schema id ${id}: ${error.message}`)
    }
    out.utf8(text)
  }
}

const fields: Record<'binary' | 'json', Field> = { binary: base64, json }

/** Writes one record as a JSON object; throws to refuse it (having written part of it). */
export type RecordWriter = (out: BodyWriter, record: ConsumedRecord) => void

/** `decoders` are required for the schema'd formats. */
export function recordWriter(format: ConsumerFormat, metadata: boolean, decoders?: SchemaDecoders): RecordWriter {
  let field: Field
  if (needsSchemas(format)) {
    if (!decoders) throw new RestError(errors.internal, `No decoder for format ${format}.`)
    field = schemaField(format, decoders)
  } else {
    field = fields[format]
  }
  const topics = new Map<string, Buffer>()
  return (out, record) => {
    let topic = topics.get(record.topic)
    if (topic === undefined) topics.set(record.topic, (topic = Buffer.from(`{"topic":${JSON.stringify(record.topic)},"key":`))) // prettier-ignore
    out.bytes(topic)
    if (record.keyLength < 0) out.ascii('null')
    else field(out, record, record.keyStart, record.keyLength, 'key')
    out.ascii(',"value":')
    if (record.valueLength < 0) out.ascii('null')
    else field(out, record, record.valueStart, record.valueLength, 'value')
    out.ascii(',"partition":')
    out.integer(record.partition)
    out.ascii(',"offset":')
    out.integer(record.offset)
    if (metadata) {
      out.ascii(`,"timestamp":${record.timestamp},"headers":[`)
      headersOf(record).forEach(([name, value], i) => {
        out.utf8(`${i > 0 ? ',' : ''}{"name":${JSON.stringify(name?.toString('utf8') ?? '')},"value":`)
        if (value === null) out.ascii('null')
        else out.base64String(value)
        out.byte(0x7d)
      })
      out.byte(0x5d)
    }
    out.byte(0x7d)
  }
}

/** The body of a v2 read, `[record,...]`, its records written by `write` as they are added. */
export class RecordsBody implements RecordSink {
  readonly #out: BodyWriter
  readonly #write: RecordWriter
  #count = 0

  /**
   * `capacity`: the bytes expected (e.g. the size of the last read's body), allocated at once; `pool`: where the
   * body's buffer comes from (release() gives it back).
   */
  constructor(write: RecordWriter, capacity?: number, pool?: BufferPool) {
    this.#out = new BodyWriter(Math.max(capacity ?? 0, 16 * 1024), pool)
    this.#write = write
    this.#out.byte(0x5b)
  }

  get count(): number {
    return this.#count
  }

  add(record: ConsumedRecord): void {
    const before = this.#out.length
    try {
      if (this.#count > 0) this.#out.byte(0x2c)
      this.#write(this.#out, record)
    } catch (error) {
      this.#out.truncate(before)
      throw error
    }
    this.#count++
  }

  finish(): Buffer {
    this.#out.byte(0x5d)
    return this.#out.finish()
  }

  /** Gives the body's buffer back to its pool: once nothing uses finish()'s bytes any more. */
  release(): void {
    this.#out.release()
  }
}

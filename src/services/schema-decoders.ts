// The codecs v2 consumers decode schema'd records with, by schema id, behind the synchronous lookup the record
// encoders need (serde/consumed.ts). An id seen for the first time is fetched once, through the schema service
// (registry client and parsed codecs are cached there), while the lookup throws RecordPending: the read stops
// before that record, waits for the fetch and tries again, so records are neither skipped nor reordered and the
// event loop is never held. Known ids are a map lookup.
//
// A failed fetch (id unknown to the registry, registry unreachable or refusing, a schema we cannot parse) is
// remembered for `retryMs`: reads meeting that id fail at once with its 40801 (40301) answer, then the next read
// asks the registry again, so a poison record costs at most one registry call per `retryMs` and a registry that
// comes back is used at once after that. Every instance of the proxy shares these entries.
import { RestError } from '../errors/rest-error.ts'
import { errors } from '../errors/codes.ts'
import { RecordPending } from '../model/consumer.ts'
import { type SchemaConsumerFormat, type SchemaDecoders } from '../serde/consumed.ts'
import { type SchemaCodec } from '../serde/schema-codec.ts'
import { type SchemaFormat, type SchemaService } from './schemas.ts'

type Entry =
  | { state: 'ready'; value: { format: SchemaConsumerFormat; codec: SchemaCodec } }
  | { state: 'pending'; ready: Promise<void> }
  | { state: 'failed'; error: RestError; until: number }

const consumerFormatOf: Record<SchemaFormat, SchemaConsumerFormat> = {
  AVRO: 'avro',
  JSONSCHEMA: 'jsonschema',
  PROTOBUF: 'protobuf'
}

export interface SchemaDecoderOptions {
  /** How long a failed lookup answers for its id before the registry is asked again (default 1000 ms). */
  retryMs?: number
  /** Ids remembered (default 1000, the registry client's cache size); the oldest entry goes first. */
  capacity?: number
}

export function createSchemaDecoders(schemas: SchemaService, options: SchemaDecoderOptions = {}): SchemaDecoders {
  const retryMs = options.retryMs ?? 1000
  const capacity = options.capacity ?? 1000
  const entries = new Map<number, Entry>()

  const set = (id: number, entry: Entry) => {
    if (!entries.has(id) && entries.size >= capacity) entries.delete(entries.keys().next().value!)
    entries.set(id, entry)
  }

  function fetch(id: number): Promise<void> {
    return schemas.codecById(id).then(
      ({ format, codec }) => set(id, { state: 'ready', value: { format: consumerFormatOf[format], codec } }),
      (error: unknown) => {
        const answer =
          error instanceof RestError
            ? error
            : new RestError(errors.serialization, `Error deserializing message. ${String(error)}`, { cause: error })
        set(id, { state: 'failed', error: answer, until: Date.now() + retryMs })
      }
    )
  }

  return {
    get(id) {
      const entry = entries.get(id)
      if (entry?.state === 'ready') return entry.value
      if (entry?.state === 'pending') throw new RecordPending(entry.ready)
      if (entry?.state === 'failed' && entry.until > Date.now()) throw entry.error
      const ready = fetch(id)
      set(id, { state: 'pending', ready })
      throw new RecordPending(ready)
    }
  }
}

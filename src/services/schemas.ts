// Schema'd produce, version-neutral: which registered schema a request means, and its data in Confluent's wire
// format. The choice of schema follows upstream's rules (kafka-rest SchemaManager), in order:
//   schema_id        → that schema; subject from `subject` or the strategy; its version under that subject
//   schema_version   → that version of the subject (`subject`, or a strategy that needs no schema)
//   schema (raw)     → parsed here, then looked up under the subject and registered if new
//   none of them     → the subject's latest version
// Registry failures answer as upstream (42207, 40301, 42205: see registryRestError); data that does not fit the
// schema is a 400 with the converter's words. Each format is a codec (serde/schema-codec.ts) found by schema type
// in serde/codecs.ts; parsed codecs are cached by registry id and by raw text.
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { schemaParsers } from '../serde/codecs.ts'
import { type ReferencedSchema, type SchemaCodec, SchemaDataError, SchemaParseError } from '../serde/schema-codec.ts'
import {
  registryRestError,
  type Schema,
  type SchemaRegistryClient,
  SchemaRegistryError,
  type SchemaType
} from '../serde/schema-registry.ts'
import { frame } from '../serde/wire-format.ts'

export const schemaFormats = ['AVRO', 'JSONSCHEMA', 'PROTOBUF'] as const
export type SchemaFormat = (typeof schemaFormats)[number]
export const subjectNameStrategies = ['TOPIC_NAME', 'RECORD_NAME', 'TOPIC_RECORD_NAME'] as const
export type SubjectNameStrategy = (typeof subjectNameStrategies)[number]

/** Confluent's strategy classes (schema.registry.key|value.subject.name.strategy) → our strategy names. */
export const strategyClasses: Readonly<Record<string, SubjectNameStrategy>> = {
  'io.confluent.kafka.serializers.subject.TopicNameStrategy': 'TOPIC_NAME',
  'io.confluent.kafka.serializers.subject.RecordNameStrategy': 'RECORD_NAME',
  'io.confluent.kafka.serializers.subject.TopicRecordNameStrategy': 'TOPIC_RECORD_NAME'
}

/** The strategies used when a request names neither a subject nor a strategy (upstream: TopicNameStrategy). */
export interface DefaultStrategies {
  key: SubjectNameStrategy
  value: SubjectNameStrategy
}

/** What a request says about one side's schema (already checked for conflicting fields). */
export interface SchemaSpec {
  format?: SchemaFormat
  subject?: string
  strategy?: SubjectNameStrategy
  schemaId?: number
  schemaVersion?: number
  schema?: string
}

/** One side's schema, resolved once: `encode` serializes each datum with it, synchronously, without the registry. */
export interface ResolvedSchema {
  format: SchemaFormat
  subject: string
  schemaId: number
  schemaVersion: number
  /** JSON form → Confluent frame. Throws 400 (RestError) for data that does not fit the schema. */
  encode(data: unknown): Buffer
}

export interface SchemaService {
  /** Resolves the schema a spec names for one side of a record (registry calls as needed), to encode records. */
  resolve(topic: string, isKey: boolean, spec: SchemaSpec): Promise<ResolvedSchema>
  /**
   * The same spec's resolution when it is known without a registry call: resolved before, and for the latest
   * version (no id, version or schema) no more than LATEST_REUSE_MS ago. The hot path of streaming produce.
   */
  resolvedNow(topic: string, isKey: boolean, spec: SchemaSpec): ResolvedSchema | undefined
  /**
   * The codec of a registered schema id (consumers decode with it) and its format. Registry failures throw
   * registryRestError's answers for the 'deserialize' phase.
   */
  codecById(id: number): Promise<{ format: SchemaFormat; codec: SchemaCodec }>
}

const formatOf: Record<SchemaType, SchemaFormat> = { AVRO: 'AVRO', JSON: 'JSONSCHEMA', PROTOBUF: 'PROTOBUF' }
const typeOf: Record<SchemaFormat, SchemaType> = { AVRO: 'AVRO', JSONSCHEMA: 'JSON', PROTOBUF: 'PROTOBUF' }

const bad = (message: string) => new RestError(errors.badRequest, `Bad Request: ${message}`)

/** How long a spec naming a subject's latest version reuses its resolution (as the registry client's cache). */
export const LATEST_REUSE_MS = 5000

const specKey = (topic: string, isKey: boolean, spec: SchemaSpec) =>
  `${topic}\u0000${isKey ? 'k' : 'v'}\u0000${spec.format ?? ''}\u0000${spec.subject ?? ''}\u0000${spec.strategy ?? ''}\u0000${spec.schemaId ?? ''}\u0000${spec.schemaVersion ?? ''}\u0000${spec.schema ?? ''}`

interface Resolved {
  subject: string
  id: number
  version: number
  format: SchemaFormat
  codec: SchemaCodec
}

const topicNames: DefaultStrategies = { key: 'TOPIC_NAME', value: 'TOPIC_NAME' }

export function createSchemaService(
  registry: SchemaRegistryClient,
  defaults: DefaultStrategies = topicNames
): SchemaService {
  const byId = new Map<number, Promise<SchemaCodec>>() // parsed schemas of registered ids
  const byText = new Map<string, SchemaCodec>() // parsed raw schemas of requests, by format and text
  const MAX_PARSED = 1000

  const remember = <K, V>(cache: Map<K, V>, key: K, value: V): V => {
    if (cache.size >= MAX_PARSED) cache.delete(cache.keys().next().value as K)
    cache.set(key, value)
    return value
  }

  // The texts of every schema `schema` refers to, each after the ones it needs (depth first).
  async function referenced(schema: Schema, seen = new Set<string>()): Promise<ReferencedSchema[]> {
    const texts: ReferencedSchema[] = []
    for (const ref of schema.references) {
      const key = `${ref.subject}\u0000${ref.version}`
      if (seen.has(key)) continue
      seen.add(key)
      const target = await registry.getVersion(ref.subject, ref.version)
      texts.push(...(await referenced(target, seen)), { name: ref.name, schema: target.schema })
    }
    return texts
  }

  function parserOf(format: SchemaFormat) {
    const parser = schemaParsers[typeOf[format]]
    if (!parser) throw bad(`${format} schemas are not supported`)
    return parser
  }

  function codecOf(id: number, schema: Schema): Promise<SchemaCodec> {
    const known = byId.get(id)
    if (known) return known
    const parsing = (async () => {
      const parser = parserOf(formatOf[schema.schemaType])
      try {
        return parser(schema.schema, await referenced(schema))
      } catch (error) {
        if (error instanceof SchemaParseError)
          throw new RestError(errors.invalidSchema, `Invalid schema: ${error.message}`, { cause: error })
        throw error
      }
    })()
    void remember(byId, id, parsing)
    parsing.catch(() => byId.delete(id))
    return parsing
  }

  function subjectFor(topic: string, isKey: boolean, spec: SchemaSpec, recordName: () => string): string {
    if (spec.subject !== undefined) return spec.subject
    switch (spec.strategy ?? (isKey ? defaults.key : defaults.value)) {
      case 'TOPIC_NAME':
        return `${topic}-${isKey ? 'key' : 'value'}`
      case 'RECORD_NAME':
        return recordName()
      case 'TOPIC_RECORD_NAME':
        return `${topic}-${recordName()}`
    }
  }

  // A subject for schema_version / latest, where no schema is known yet: only TOPIC_NAME can name one.
  function subjectWithoutSchema(topic: string, isKey: boolean, spec: SchemaSpec): string {
    return subjectFor(topic, isKey, spec, () => {
      throw bad(
        spec.strategy
          ? `Cannot use schema_subject_strategy=${spec.strategy} without schema_id or schema.`
          : 'Cannot use default schema_subject_strategy without schema_id or schema.'
      )
    })
  }

  async function call<T>(context: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      throw registryRestError(error, 'serialize', context)
    }
  }

  const nameOf = (codec: SchemaCodec) => {
    if (codec.name === undefined) throw bad('The schema has no name for the RECORD_NAME subject name strategies')
    return codec.name
  }

  async function resolve(topic: string, isKey: boolean, spec: SchemaSpec): Promise<Resolved> {
    if (spec.schemaId !== undefined) {
      const id = spec.schemaId
      const schema = await call(`Error when fetching schema by id. schemaId = ${id}`, () => registry.getById(id))
      const codec = await codecOf(id, schema)
      const subject = subjectFor(topic, isKey, spec, () => nameOf(codec))
      const context = `Error when fetching schema version. subject = ${subject}, schema = ${schema.schema}`
      const found = await call(context, () => registry.lookup(subject, schema))
      if (!found) throw registryRestError(new SchemaRegistryError('Schema not found; error code: 40403', 404, 40403), 'serialize', context) // prettier-ignore
      return { subject, id, version: found.version, format: formatOf[schema.schemaType], codec }
    }
    if (spec.schemaVersion !== undefined) {
      const subject = subjectWithoutSchema(topic, isKey, spec)
      const version = spec.schemaVersion
      let found
      try {
        found = await registry.getVersion(subject, version)
      } catch (error) {
        if (error instanceof SchemaRegistryError && error.notFound && !error.forbidden)
          throw bad(`Schema does not exist for subject: ${subject}, version: ${version}`)
        throw registryRestError(error, 'serialize', `Error when fetching schema by version. subject = ${subject}, version = ${version}`) // prettier-ignore
      }
      const codec = await codecOf(found.id, found)
      return { subject, id: found.id, version, format: formatOf[found.schemaType], codec }
    }
    if (spec.schema !== undefined) {
      const format = spec.format!
      const raw = spec.schema
      const textKey = `${format}\u0000${raw}`
      let codec = byText.get(textKey)
      if (!codec) {
        const parser = parserOf(format)
        try {
          codec = remember(byText, textKey, parser(raw, []))
        } catch (error) {
          if (!(error instanceof SchemaParseError)) throw error
          throw new RestError(errors.invalidSchema, `Invalid schema: Error when parsing raw schema. format = ${format}, schema = ${raw}`, { cause: error }) // prettier-ignore
        }
      }
      const subject = subjectFor(topic, isKey, spec, () => nameOf(codec))
      const schema: Schema = { schemaType: typeOf[format], schema: raw, references: [] }
      const context = `Error when registering schema. format = ${format}, subject = ${subject}, schema = ${raw}`
      const registered = await call(context, () => registry.register(subject, schema))
      if (!byId.has(registered.id)) void remember(byId, registered.id, Promise.resolve(codec))
      return { subject, id: registered.id, version: registered.version, format, codec }
    }
    const subject = subjectWithoutSchema(topic, isKey, spec)
    const latest = await call(`Error when fetching latest schema version. subject = ${subject}`, () =>
      registry.getLatest(subject)
    )
    const codec = await codecOf(latest.id, latest)
    return { subject, id: latest.id, version: latest.version, format: formatOf[latest.schemaType], codec }
  }

  function encodeWith(resolved: Resolved, data: unknown): Buffer {
    let payload: Buffer
    try {
      payload = resolved.codec.encode(data === undefined ? null : data)
    } catch (error) {
      if (error instanceof SchemaDataError) throw bad(error.message)
      throw error
    }
    return frame(resolved.id, payload, resolved.codec.messageIndexes)
  }

  // Resolutions of recent specs, for resolvedNow; `until` is when one of the latest version expires.
  const recent = new Map<string, { resolved: ResolvedSchema; until: number }>()

  return {
    async resolve(topic, isKey, spec) {
      const resolved = await resolve(topic, isKey, spec)
      const out: ResolvedSchema = {
        format: resolved.format,
        subject: resolved.subject,
        schemaId: resolved.id,
        schemaVersion: resolved.version,
        encode: data => encodeWith(resolved, data)
      }
      const latest = spec.schemaId === undefined && spec.schemaVersion === undefined && spec.schema === undefined
      const key = specKey(topic, isKey, spec)
      recent.delete(key) // to the end of the eviction order
      remember(recent, key, { resolved: out, until: latest ? Date.now() + LATEST_REUSE_MS : Infinity })
      return out
    },

    resolvedNow(topic, isKey, spec) {
      const known = recent.get(specKey(topic, isKey, spec))
      if (!known) return undefined
      return known.until === Infinity || known.until > Date.now() ? known.resolved : undefined
    },

    async codecById(id) {
      const context = `Error when fetching schema by id. schemaId = ${id}`
      let schema: Schema
      try {
        schema = await registry.getById(id)
      } catch (error) {
        throw registryRestError(error, 'deserialize', context)
      }
      try {
        return { format: formatOf[schema.schemaType], codec: await codecOf(id, schema) }
      } catch (error) {
        // a schema we cannot parse (or a format we lack) leaves its records unreadable: 40801, as a bad record
        if (error instanceof RestError && error.errorCode !== errors.kafkaAuthorization.code)
          throw new RestError(errors.serialization, `Error deserializing message. ${context}: ${error.message}`, { cause: error }) // prettier-ignore
        throw registryRestError(error, 'deserialize', context)
      }
    }
  }
}

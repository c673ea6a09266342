// Our Schema Registry client (Confluent's API, e.g. Confluent SR, Apicurio's /apis/ccompat/v7, Karapace). The hot
// path of schema'd produce and consume asks it for schemas by id, by subject version, for a subject's latest
// version, and registers raw schemas; everything known is answered from memory:
// - id → schema and subject+version → schema are immutable in a registry: cached without expiry;
// - subject+schema → id/version: cached without expiry (re-registering the same schema yields the same id);
// - subject → latest version: cached for a short TTL, since new versions appear;
// - concurrent calls for the same key share one registry call (the cache holds the promise; failures are evicted).
// Calls throw SchemaRegistryError (registry-http.ts); registryRestError() says what that means for a REST request.
import { readFileSync } from 'node:fs'
import { type Config } from '../config/settings.ts'
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { RegistryHttp, type RegistryFetch, SchemaRegistryError } from './registry-http.ts'

export { SchemaRegistryError } from './registry-http.ts'

export const schemaTypes = ['AVRO', 'PROTOBUF', 'JSON'] as const
export type SchemaType = (typeof schemaTypes)[number]

export interface SchemaReference {
  name: string
  subject: string
  version: number
}

export interface Schema {
  schemaType: SchemaType
  schema: string
  references: readonly SchemaReference[]
}

export interface RegisteredSchema extends Schema {
  id: number
}

export interface SubjectSchema extends RegisteredSchema {
  subject: string
  version: number
}

export interface SchemaRegistryOptions {
  /** How long a subject's latest version is reused (default 5 s). */
  latestTtlMs?: number
  /** Entries per cache before the oldest is dropped (default 1000, as Confluent's client). */
  cacheCapacity?: number
}

// A registry's JSON: schemaType is absent for Avro, references absent when there are none.
interface SchemaAnswer {
  subject?: string
  version?: number
  id?: number
  schema: string
  schemaType?: string
  references?: SchemaReference[]
}

/** Insertion-ordered map dropping its oldest entry when full. */
class BoundedMap<K, V> extends Map<K, V> {
  readonly #capacity: number
  constructor(capacity: number) {
    super()
    this.#capacity = capacity
  }
  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.#capacity) this.delete(this.keys().next().value as K)
    return super.set(key, value)
  }
}

const schemaKey = (subject: string, schema: Schema) =>
  `${subject}\u0000${schema.schemaType}\u0000${schema.schema}\u0000${JSON.stringify(schema.references)}`

function toSchema(answer: SchemaAnswer): Schema {
  const type = answer.schemaType ?? 'AVRO'
  if (!(schemaTypes as readonly string[]).includes(type))
    throw new SchemaRegistryError(`Unsupported schema type ${type}`)
  return { schemaType: type as SchemaType, schema: answer.schema, references: answer.references ?? [] }
}

function toSubjectSchema(answer: SchemaAnswer, sent?: Schema): SubjectSchema {
  // Apicurio's lookup answer omits schemaType (its other answers have it): the type is the one we sent
  if (sent && answer.schemaType === undefined) answer = { ...answer, schemaType: sent.schemaType }
  if (typeof answer.id !== 'number' || typeof answer.version !== 'number' || typeof answer.subject !== 'string')
    throw new SchemaRegistryError('Schema Registry answered without subject, version or id')
  return { ...toSchema(answer), id: answer.id, subject: answer.subject, version: answer.version }
}

const subjectPath = (subject: string) => `/subjects/${encodeURIComponent(subject)}`

export class SchemaRegistryClient {
  readonly #http: RegistryHttp
  readonly #latestTtlMs: number
  readonly #byId: BoundedMap<number, Promise<RegisteredSchema>>
  readonly #byVersion: BoundedMap<string, Promise<SubjectSchema>>
  readonly #bySchema: BoundedMap<string, Promise<SubjectSchema>>
  readonly #registered: BoundedMap<string, Promise<SubjectSchema>>
  readonly #latest: BoundedMap<string, { value: Promise<SubjectSchema>; expires: number }>

  constructor(http: RegistryHttp, options: SchemaRegistryOptions = {}) {
    this.#http = http
    this.#latestTtlMs = options.latestTtlMs ?? 5000
    const capacity = options.cacheCapacity ?? 1000
    this.#byId = new BoundedMap(capacity)
    this.#byVersion = new BoundedMap(capacity)
    this.#bySchema = new BoundedMap(capacity)
    this.#registered = new BoundedMap(capacity)
    this.#latest = new BoundedMap(capacity)
  }

  get url(): string {
    return this.#http.url
  }

  /** GET /schemas/ids/{id}. */
  getById(id: number): Promise<RegisteredSchema> {
    return this.#cached(this.#byId, id, async () => {
      const answer = await this.#http.call<SchemaAnswer>('GET', `/schemas/ids/${id}`)
      return { ...toSchema(answer), id }
    })
  }

  /** GET /subjects/{subject}/versions/{version}. */
  getVersion(subject: string, version: number): Promise<SubjectSchema> {
    return this.#cached(this.#byVersion, `${version}\u0000${subject}`, () =>
      this.#subjectCall('GET', `${subjectPath(subject)}/versions/${version}`)
    )
  }

  /** GET /subjects/{subject}/versions/latest, reused for the TTL. */
  getLatest(subject: string): Promise<SubjectSchema> {
    const now = Date.now()
    const hit = this.#latest.get(subject)
    if (hit && hit.expires > now) return hit.value
    const value = this.#subjectCall('GET', `${subjectPath(subject)}/versions/latest`)
    this.#latest.set(subject, { value, expires: now + this.#latestTtlMs })
    value.catch(() => {
      if (this.#latest.get(subject)?.value === value) this.#latest.delete(subject)
    })
    return value
  }

  /** GET /subjects/{subject}/versions: the version numbers (not cached). */
  versions(subject: string): Promise<number[]> {
    return this.#http.call<number[]>('GET', `${subjectPath(subject)}/versions`)
  }

  /** POST /subjects/{subject}: the subject's version holding this schema; undefined when it has none. */
  async lookup(subject: string, schema: Schema): Promise<SubjectSchema | undefined> {
    try {
      return await this.#cached(this.#bySchema, schemaKey(subject, schema), () =>
        this.#subjectCall('POST', subjectPath(subject), schema)
      )
    } catch (error) {
      if (error instanceof SchemaRegistryError && error.notFound) return undefined
      throw error
    }
  }

  /**
   * The subject's version holding this schema, registering it first when the subject does not have it (as
   * Confluent's REST Proxy does for raw schemas: look up, else register, then look up the version). Its own
   * cache: a lookup in flight that finds nothing must not answer a registration.
   */
  register(subject: string, schema: Schema): Promise<SubjectSchema> {
    return this.#cached(this.#registered, schemaKey(subject, schema), async () => {
      const found = await this.lookup(subject, schema)
      if (found) return found
      await this.#http.call<{ id: number }>('POST', `${subjectPath(subject)}/versions`, requestBody(schema))
      const registered = await this.lookup(subject, schema)
      if (!registered) throw new SchemaRegistryError(`Schema registered under ${subject} but not found there`)
      return registered
    })
  }

  close(): Promise<void> {
    return this.#http.close()
  }

  async #subjectCall(method: 'GET' | 'POST', path: string, sent?: Schema): Promise<SubjectSchema> {
    const answer = await this.#http.call<SchemaAnswer>(method, path, sent && requestBody(sent))
    const found = toSubjectSchema(answer, sent)
    if (!this.#byId.has(found.id)) {
      const { schemaType, schema, references, id } = found
      this.#byId.set(id, Promise.resolve({ schemaType, schema, references, id }))
    }
    return found
  }

  #cached<K, V>(cache: Map<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
    const hit = cache.get(key)
    if (hit) return hit
    const value = load()
    cache.set(key, value)
    value.catch(() => {
      if (cache.get(key) === value) cache.delete(key)
    })
    return value
  }
}

function requestBody(schema: Schema): Record<string, unknown> {
  const body: Record<string, unknown> = { schema: schema.schema }
  if (schema.schemaType !== 'AVRO') body.schemaType = schema.schemaType
  if (schema.references.length > 0) body.references = schema.references
  return body
}

/** Where a registry failure happened: producing (answers 42207) or consuming (40801), as upstream. */
export type SerdePhase = 'serialize' | 'deserialize'

/**
 * What a failed registry call means for the REST request, in Confluent's codes: the registry refused us → 40301;
 * it rejected a schema as invalid → 42205; anything else (unreachable, timeout, not found, incompatible) →
 * 42207 while producing, 40801 while consuming. `context` says what was attempted, e.g.
 * "Error when fetching schema by id. schemaId = 7" (upstream's wording).
 */
export function registryRestError(error: unknown, phase: SerdePhase, context: string): RestError {
  if (error instanceof RestError) return error
  const detail = error instanceof Error ? error.message : String(error)
  if (error instanceof SchemaRegistryError) {
    if (error.forbidden) return new RestError(errors.kafkaAuthorization, context, { cause: error })
    if (phase === 'serialize' && (error.code === 42201 || error.code === 42205))
      return new RestError(errors.invalidSchema, `Invalid schema: ${context}: ${detail}`, { cause: error })
  }
  return phase === 'serialize'
    ? new RestError(errors.serializing, `Error serializing message. ${context}: ${detail}`, { cause: error })
    : new RestError(errors.serialization, `Error deserializing message. ${context}: ${detail}`, { cause: error })
}

/** The client the configuration asks for; undefined when schema.registry.url is empty (schema'd formats off). */
export function createSchemaRegistry(
  config: Config,
  deps: { fetch?: RegistryFetch; options?: SchemaRegistryOptions } = {}
): SchemaRegistryClient | undefined {
  const urls = config['schema.registry.url']
  if (urls.length === 0) return undefined
  const truststore = config['schema.registry.ssl.truststore.location']
  const http = new RegistryHttp({
    urls,
    credentialsSource: config['schema.registry.basic.auth.credentials.source'] as 'URL' | 'USER_INFO',
    userInfo: config['schema.registry.basic.auth.user.info'],
    caPem: truststore ? readFileSync(truststore, 'utf8') : undefined,
    timeoutMs: config['schema.registry.request.timeout.ms'],
    fetch: deps.fetch
  })
  return new SchemaRegistryClient(http, deps.options)
}

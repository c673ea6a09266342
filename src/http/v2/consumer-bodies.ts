// Request bodies of the v2 consumer endpoints, checked the way upstream's Jackson mapping and validation do:
// a wrong JSON type is 400, a missing required field or an unknown field is 422.
import { errors } from '../../errors/codes.ts'
import { RestError } from '../../errors/rest-error.ts'
import {
  type PartitionOffset,
  type PartitionTimestamp,
  type Subscription,
  type TopicPartition
} from '../../model/consumer.ts'
import { type CreateConsumerRequest } from '../../services/consumers.ts'

const bad = (message: string) => new RestError(errors.badRequest, `Bad Request: ${message}`)
const unprocessable = (message: string) => new RestError(errors.unprocessable, message)

type Json = Record<string, unknown>

function object(body: unknown, required: boolean): Json | undefined {
  if (body === undefined || body === null) {
    if (required) throw unprocessable('Request body is empty. Data is required.')
    return undefined
  }
  if (typeof body !== 'object' || Array.isArray(body)) throw bad('the request body must be a JSON object')
  return body as Json
}

function only(body: Json, fields: readonly string[]): void {
  for (const field of Object.keys(body)) {
    if (!fields.includes(field)) throw unprocessable(`Unrecognized field: ${field}`)
  }
}

function string(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw bad(`${what} must be a string`)
  return value
}

function integer(value: unknown, what: string): number | undefined {
  if (value === undefined || value === null) return undefined
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw bad(`${what} must be an integer`)
  return n
}

function list(body: Json, field: string, required: boolean): unknown[] {
  const value = body[field]
  if (value === undefined || value === null) {
    if (required) throw unprocessable(`${field} must not be null`)
    return []
  }
  if (!Array.isArray(value)) throw bad(`${field} must be an array`)
  return value
}

function entry(value: unknown, where: string, fields: readonly string[]): Json & TopicPartition {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(`${where} must be an object`)
  const item = value as Json
  only(item, fields)
  const topic = string(item.topic, `${where}.topic`)
  const partition = integer(item.partition, `${where}.partition`)
  if (topic === undefined || topic === '') throw unprocessable(`${where}.topic must not be empty`)
  if (partition === undefined) throw unprocessable(`${where}.partition must not be null`)
  return { ...item, topic, partition }
}

export function parseCreate(body: unknown): CreateConsumerRequest {
  const b = object(body, false) ?? {}
  only(b, [
    'name',
    'id',
    'format',
    'auto.offset.reset',
    'auto.commit.enable',
    'fetch.min.bytes',
    'responseMinBytes',
    'consumer.request.timeout.ms',
    'requestWaitMs',
    'record.metadata'
  ])
  const autoCommit = b['auto.commit.enable']
  if (
    autoCommit !== undefined &&
    autoCommit !== null &&
    typeof autoCommit !== 'string' &&
    typeof autoCommit !== 'boolean'
  )
    throw bad('auto.commit.enable must be a string')
  const metadata = b['record.metadata']
  if (metadata !== undefined && metadata !== null && typeof metadata !== 'boolean')
    throw bad('record.metadata must be true or false')
  const name = string(b.name, 'name') ?? string(b.id, 'id')
  if (name !== undefined && (name === '' || name.includes('/')))
    throw unprocessable('name must be a non-empty path segment')
  return {
    name,
    format: string(b.format, 'format'),
    autoOffsetReset: string(b['auto.offset.reset'], 'auto.offset.reset'),
    autoCommit: autoCommit ?? undefined,
    fetchMinBytes: integer(b['fetch.min.bytes'] ?? b.responseMinBytes, 'fetch.min.bytes'),
    requestTimeoutMs: integer(b['consumer.request.timeout.ms'] ?? b.requestWaitMs, 'consumer.request.timeout.ms'),
    recordMetadata: metadata === true
  }
}

// {"topics":[...]} or {"topic_pattern":"..."}; topics wins when both are given (upstream).
export function parseSubscription(body: unknown): Subscription {
  const b = object(body, true)!
  only(b, ['topics', 'topic_pattern'])
  if (b.topics !== undefined && b.topics !== null) {
    return { topics: list(b, 'topics', true).map((t, i) => string(t, `topics[${i}]`) ?? '') }
  }
  const pattern = string(b.topic_pattern, 'topic_pattern')
  if (pattern === undefined) throw unprocessable('topics or topic_pattern must be given')
  try {
    new RegExp(pattern)
  } catch {
    throw bad(`topic_pattern ${pattern} is not a valid regular expression`)
  }
  return { pattern }
}

export function parsePartitions(body: unknown): TopicPartition[] {
  const b = object(body, true)!
  only(b, ['partitions'])
  return list(b, 'partitions', true).map((p, i) => {
    const { topic, partition } = entry(p, `partitions[${i}]`, ['topic', 'partition'])
    return { topic, partition }
  })
}

function offsetsOf(b: Json): PartitionOffset[] {
  return list(b, 'offsets', false).map((o, i) => {
    const where = `offsets[${i}]`
    const item = entry(o, where, ['topic', 'partition', 'offset', 'metadata'])
    const offset = integer(item.offset, `${where}.offset`)
    if (offset === undefined) throw unprocessable(`${where}.offset must not be null`)
    if (offset < 0) throw bad(`${where}.offset must not be negative`)
    return {
      topic: item.topic,
      partition: item.partition,
      offset: BigInt(offset),
      metadata: string(item.metadata, `${where}.metadata`) ?? null
    }
  })
}

export function parseSeek(body: unknown): { offsets: PartitionOffset[]; timestamps: PartitionTimestamp[] } {
  const b = object(body, true)!
  only(b, ['offsets', 'timestamps'])
  const timestamps = list(b, 'timestamps', false).map((t, i) => {
    const where = `timestamps[${i}]`
    const item = entry(t, where, ['topic', 'partition', 'timestamp', 'metadata'])
    const text = string(item.timestamp, `${where}.timestamp`)
    const ms = text === undefined ? NaN : Date.parse(text)
    if (!Number.isFinite(ms)) throw bad(`${where}.timestamp must be an ISO-8601 date-time`)
    return { topic: item.topic, partition: item.partition, timestamp: BigInt(ms) }
  })
  return { offsets: offsetsOf(b), timestamps }
}

// undefined: commit everything consumed so far.
export function parseCommit(body: unknown): PartitionOffset[] | undefined {
  const b = object(body, false)
  if (!b) return undefined
  only(b, ['offsets'])
  if (b.offsets === undefined || b.offsets === null) return undefined
  return offsetsOf(b)
}

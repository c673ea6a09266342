// v2 consumer instances: a registry per proxy (instances live in this process only, as upstream), creation
// rules and defaults, idle expiry, a cap on their number, and the read/commit semantics of the REST API.
import { randomUUID } from 'node:crypto'
import { BufferPool } from '../util/buffer-pool.ts'
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import {
  type CommittedOffset,
  type OffsetReset,
  type PartitionOffset,
  type PartitionTimestamp,
  type Subscription,
  type TopicPartition
} from '../model/consumer.ts'
import { type Ahead, type GroupConsumer } from '../kafka/group-consumer.ts'
import {
  type ConsumerFormat,
  consumerFormats,
  needsSchemas,
  RecordsBody,
  type RecordWriter,
  recordWriter,
  type SchemaDecoders
} from '../serde/consumed.ts'

export interface CreateConsumerRequest {
  name?: string
  format?: string
  autoOffsetReset?: string
  autoCommit?: string | boolean
  fetchMinBytes?: number
  requestTimeoutMs?: number
  recordMetadata?: boolean
}

export interface ConsumerLimits {
  requestTimeoutMs: number
  requestMaxBytes: number
  instanceTimeoutMs: number
  fetchMinBytes: number
  maxInstances: number
  proxyId: string
  readAhead: boolean
}

export type ConsumerFactory = (
  group: string,
  name: string,
  settings: { autoOffsetReset: OffsetReset; autoCommit: boolean }
) => GroupConsumer

interface Instance {
  group: string
  name: string
  format: ConsumerFormat
  consumer: GroupConsumer
  write: RecordWriter
  fetchMinBytes: number
  requestTimeoutMs: number
  expiresAt: number
  // Reads in progress: an instance is never expired under a waiting read (its timeout may exceed the idle one).
  reading: number
  // The size of the last read's body: the next one is allocated at about that size at once (growing a body by
  // doubling, a copy and a fresh allocation each time, cost as much as writing the records).
  lastBodyBytes: number
  // The next read's records, made while the client handled the last answer (consumer.read.ahead.enable).
  ahead: Ahead<RecordsBody> | undefined
}

/** A read's body; `release()` once its bytes are written out (its buffer is reused), or never. */
export interface ReadBody {
  bytes: Buffer
  release: () => void
}

// Read bodies' buffers kept for reuse (util/buffer-pool.ts), across all instances.
const bodyPoolBytes = 32 * 1024 * 1024

export interface ConsumerService {
  create(group: string, request: CreateConsumerRequest): { instanceId: string }
  remove(group: string, name: string): Promise<void>
  subscribe(group: string, name: string, subscription: Subscription): void
  subscription(group: string, name: string): string[]
  unsubscribe(group: string, name: string): Promise<void>
  assign(group: string, name: string, partitions: TopicPartition[]): void
  assignment(group: string, name: string): TopicPartition[]
  seek(group: string, name: string, offsets: PartitionOffset[], timestamps: PartitionTimestamp[]): Promise<void>
  seekToEdge(group: string, name: string, partitions: TopicPartition[], edge: 'beginning' | 'end'): Promise<void>
  // The JSON array of the records read, as UTF-8 bytes.
  read(
    group: string,
    name: string,
    format: ConsumerFormat,
    options: { timeoutMs?: number; maxBytes?: number }
  ): Promise<ReadBody>
  // `offsets` are the last consumed offsets (upstream semantics); without them, everything read so far.
  commit(group: string, name: string, offsets?: PartitionOffset[]): Promise<void>
  committed(group: string, name: string, partitions: TopicPartition[]): Promise<CommittedOffset[]>
  size(): number
  close(): Promise<void>
}

const fetchMinBytesRange = { min: -1, max: 10000000 }
const resetPolicies: readonly string[] = ['latest', 'earliest', 'none']

const invalidConfig = (message: string) =>
  new RestError(errors.invalidConsumerConfig, `Invalid consumer configuration: ${message}`)

/** `decoders`: the schema'd formats' codecs (absent without a Schema Registry: those formats are refused). */
export function createConsumerService(
  limits: ConsumerLimits,
  factory: ConsumerFactory,
  log: (error: unknown, what: string) => void,
  decoders?: SchemaDecoders
): ConsumerService {
  const instances = new Map<string, Instance>()
  const bodies = new BufferPool(bodyPoolBytes)
  const keyOf = (group: string, name: string) => `${group}\u0000${name}`

  const touch = (group: string, name: string): Instance => {
    const instance = instances.get(keyOf(group, name))
    if (!instance) throw new RestError(errors.consumerInstanceNotFound)
    instance.expiresAt = Date.now() + limits.instanceTimeoutMs
    return instance
  }

  const destroy = async (instance: Instance) => {
    instances.delete(keyOf(instance.group, instance.name))
    dropAhead(instance)
    await instance.consumer.close()
  }

  const dropAhead = (instance: Instance) => {
    const ahead = instance.ahead
    if (!ahead) return
    instance.ahead = undefined
    instance.consumer.drop(ahead)
    ahead.out.release()
  }

  const newBody = (instance: Instance) =>
    new RecordsBody(instance.write, instance.lastBodyBytes + (instance.lastBodyBytes >> 3), bodies)

  // After a read that ended full (a backlog), the records already fetched are rendered into the next answer
  // while this one travels and the client handles it: the next read of a client that polls in a loop answers at
  // once. Only between the instance's reads, never for an instance that is gone.
  const readAhead = (instance: Instance, maxBytes: number) => {
    if (instance.reading > 0 || instance.ahead || instances.get(keyOf(instance.group, instance.name)) !== instance)
      return
    const body = newBody(instance)
    instance.ahead = instance.consumer.readAhead(body, maxBytes)
    if (!instance.ahead) body.release()
  }

  // Expired instances leave their group (committing first when auto-commit is on), like upstream's sweep.
  const janitor = setInterval(() => {
    const now = Date.now()
    for (const instance of instances.values()) {
      if (instance.expiresAt <= now && instance.reading === 0)
        destroy(instance).catch(error => log(error, 'expire consumer instance'))
    }
  }, 1000)
  janitor.unref()

  return {
    create(group, request) {
      const format = (request.format ?? 'binary').toLowerCase() as ConsumerFormat
      if (!consumerFormats.includes(format)) throw new RestError(errors.unprocessable, 'Invalid format type.')
      // Upstream builds the instance and fails when its deserializer finds no registry URL; we say so at once.
      if (needsSchemas(format) && !decoders)
        throw new RestError(errors.payload, 'Payload error. Schema Registry must be configured when using schemas.')
      const autoOffsetReset = request.autoOffsetReset ?? 'latest'
      if (!resetPolicies.includes(autoOffsetReset)) {
        throw invalidConfig(
          `Invalid value ${autoOffsetReset} for configuration auto.offset.reset: String must be one of: latest, earliest, none`
        )
      }
      const autoCommit = String(request.autoCommit ?? 'true').toLowerCase()
      if (autoCommit !== 'true' && autoCommit !== 'false') {
        throw invalidConfig(
          `Invalid value ${autoCommit} for configuration enable.auto.commit: Expected value to be either true or false`
        )
      }
      const fetchMinBytes = request.fetchMinBytes ?? limits.fetchMinBytes
      if (
        !Number.isInteger(fetchMinBytes) ||
        fetchMinBytes < fetchMinBytesRange.min ||
        fetchMinBytes > fetchMinBytesRange.max
      ) {
        throw new RestError(
          errors.consumerConfigConstraint,
          `Invalid consumer configuration: fetch.min.bytes must be between ${fetchMinBytesRange.min} and ${fetchMinBytesRange.max}.`
        )
      }
      const requestTimeoutMs = request.requestTimeoutMs ?? limits.requestTimeoutMs
      if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs < 0) {
        throw new RestError(
          errors.consumerConfigConstraint,
          'Invalid consumer configuration: consumer.request.timeout.ms must be a non-negative integer.'
        )
      }
      const name = request.name ?? `rest-consumer-${limits.proxyId ? `${limits.proxyId}-` : ''}${randomUUID()}`
      if (instances.has(keyOf(group, name))) throw new RestError(errors.consumerAlreadyExists)
      if (instances.size >= limits.maxInstances) {
        throw new RestError(
          errors.tooManyRequests,
          `Too many consumer instances: this proxy already holds ${limits.maxInstances} (consumer.instances.max). Delete unused instances.`
        )
      }
      const consumer = factory(group, name, {
        autoOffsetReset: autoOffsetReset as OffsetReset,
        autoCommit: autoCommit === 'true'
      })
      instances.set(keyOf(group, name), {
        group,
        name,
        format,
        consumer,
        write: recordWriter(format, request.recordMetadata === true, decoders),
        fetchMinBytes,
        requestTimeoutMs,
        expiresAt: Date.now() + limits.instanceTimeoutMs,
        reading: 0,
        lastBodyBytes: 0,
        ahead: undefined
      })
      return { instanceId: name }
    },

    remove: (group, name) => destroy(touch(group, name)),
    subscribe: (group, name, subscription) => touch(group, name).consumer.subscribe(subscription),
    subscription: (group, name) => touch(group, name).consumer.subscription(),
    unsubscribe: (group, name) => touch(group, name).consumer.unsubscribe(),
    assign: (group, name, partitions) => touch(group, name).consumer.assign(partitions),
    assignment: (group, name) => touch(group, name).consumer.assignment(),

    async seek(group, name, offsets, timestamps) {
      const { consumer } = touch(group, name)
      consumer.seek(offsets)
      if (timestamps.length > 0) await consumer.seekToTimestamps(timestamps)
    },

    seekToEdge: (group, name, partitions, edge) => touch(group, name).consumer.seekToEdge(partitions, edge),

    async read(group, name, format, options) {
      const instance = touch(group, name)
      if (format !== instance.format) throw new RestError(errors.consumerFormatMismatch)
      // The query can only shorten the instance's wait and the proxy's byte cap (upstream semantics).
      const timeoutMs =
        options.timeoutMs !== undefined && options.timeoutMs > 0
          ? Math.min(options.timeoutMs, instance.requestTimeoutMs)
          : instance.requestTimeoutMs
      const maxBytes =
        options.maxBytes !== undefined && options.maxBytes > 0
          ? Math.min(options.maxBytes, limits.requestMaxBytes)
          : limits.requestMaxBytes
      const minBytes = Math.max(1, instance.fetchMinBytes)
      instance.reading++
      try {
        const ahead = instance.ahead
        instance.ahead = undefined
        let body: RecordsBody
        let taken = 0
        // Resumed records count as read at once: read() never throws once its body holds records.
        if (ahead && instance.consumer.resume(ahead, maxBytes)) {
          body = ahead.out
          taken = ahead.bytes
        } else {
          ahead?.out.release()
          body = newBody(instance)
        }
        let full
        try {
          full = await instance.consumer.read({ timeoutMs, maxBytes, minBytes }, body, taken)
        } catch (error) {
          body.release()
          throw error
        }
        const bytes = body.finish()
        instance.lastBodyBytes = bytes.length
        if (full && limits.readAhead) setImmediate(readAhead, instance, maxBytes)
        return { bytes, release: () => body.release() }
      } finally {
        instance.reading--
        instance.expiresAt = Date.now() + limits.instanceTimeoutMs
      }
    },

    commit: (group, name, offsets) =>
      touch(group, name).consumer.commit(offsets?.map(o => ({ ...o, offset: o.offset + 1n }))),
    committed: (group, name, partitions) => touch(group, name).consumer.committed(partitions),
    size: () => instances.size,

    async close() {
      clearInterval(janitor)
      await Promise.allSettled([...instances.values()].map(destroy))
    }
  }
}

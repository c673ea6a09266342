// The shared produce path. Records from all HTTP requests go through one accumulator: while earlier sends are
// in flight (or linger.ms runs), new records wait and then leave together in one send, so concurrent requests
// to the same partition share Kafka produce requests. Partitions are chosen here, not by the client library:
// explicit partitions must be validated (the library silently wraps them) and keyed records must land where
// Java's default partitioner puts them.
import { Producer, ProduceAcks } from '@platformatic/kafka'
import { type KafkaClientSettings, type ProducerTuningSettings } from '../config/client-options.ts'
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { type OutgoingRecord, type RecordResult } from '../model/produce.ts'
import { toRestError, withDeadline } from './errors.ts'
import { keyPartition } from './murmur2.ts'

interface Pending {
  message: {
    topic: string
    partition: number
    key?: Buffer
    value?: Buffer
    headers?: Map<Buffer, Buffer | undefined>
    timestamp: bigint
  }
  timestamp: number
  resolve: (result: RecordResult) => void
}

// At most this many sends in flight: Kafka keeps sequence state for 5 in-flight batches per partition of an
// idempotent producer, and every send may touch every partition.
const maxInFlight = 5
const countsTtlMs = 5000
// Rough per-record overhead in a record batch, for the batch size and max.request.size checks.
const recordOverhead = 70

export class ProducePipeline {
  readonly #producer: Producer
  readonly #tuning: ProducerTuningSettings
  #pending: Pending[] = []
  #pendingBytes = 0
  #inFlight = 0
  #timer: NodeJS.Timeout | undefined
  #immediate: NodeJS.Immediate | undefined
  readonly #sticky = new Map<string, number>()
  // Partition counts seen recently: the produce path asks for every record, the broker only every few seconds.
  readonly #counts = new Map<string, { count: number; until: number }>()

  constructor(settings: KafkaClientSettings, tuning: ProducerTuningSettings) {
    this.#tuning = tuning
    this.#producer = new Producer({
      timeout: 15000,
      connectTimeout: 3000,
      retries: 3,
      retryDelay: 100,
      metadataMaxAge: 30000,
      ...settings,
      acks: tuning.acks === -1 ? ProduceAcks.ALL : tuning.acks === 1 ? ProduceAcks.LEADER : ProduceAcks.NO_RESPONSE,
      idempotent: tuning.idempotent,
      compression: tuning.compression,
      autocreateTopics: true
    })
  }

  // Number of partitions of `topic`; asks the broker to auto-create it (the broker decides, as with the Java
  // producer). Unknown topics fail within metadataTimeoutMs.
  async partitions(topic: string): Promise<number> {
    const known = this.#knownCount(topic)
    if (known !== undefined) return known
    const ms = this.#tuning.metadataTimeoutMs
    try {
      const metadata = await withDeadline(
        this.#producer.metadata({ topics: [topic], autocreateTopics: true }),
        ms,
        'metadata'
      )
      const count = metadata.topics.get(topic)?.partitionsCount
      if (count) {
        this.#counts.set(topic, { count, until: Date.now() + countsTtlMs })
        return count
      }
    } catch (error) {
      const rest = toRestError(error, 'metadata')
      if (rest.errorCode !== errors.unknownTopicOrPartition.code && !isUnknownTopic(rest.cause)) throw rest
    }
    throw new RestError(errors.topicNotFound, `Topic ${topic} not present in metadata after ${ms} ms.`)
  }

  // Produces the records of one request; resolves (never rejects) with one result per record, in order.
  async send(topic: string, records: OutgoingRecord[]): Promise<RecordResult[]> {
    let count: number
    try {
      count = await this.partitions(topic)
    } catch (error) {
      const failed: RecordResult = { ok: false, error: toRestError(error, 'produce') }
      return records.map(() => failed)
    }
    return Promise.all(
      records.map(record => new Promise<RecordResult>(done => this.#enqueue(topic, count, record, done)))
    )
  }

  // One record (the streaming path): no array, no promise, and no metadata call while the partition count is
  // cached. `done` is called once, with the record's result.
  sendOne(topic: string, record: OutgoingRecord, done: (result: RecordResult) => void): void {
    const known = this.#knownCount(topic)
    if (known !== undefined) this.#enqueue(topic, known, record, done)
    else void this.send(topic, [record]).then(([result]) => done(result))
  }

  #knownCount(topic: string): number | undefined {
    const known = this.#counts.get(topic)
    return known && known.until > Date.now() ? known.count : undefined
  }

  #enqueue(topic: string, count: number, record: OutgoingRecord, done: (result: RecordResult) => void): void {
    let partition = record.partition
    if (partition !== undefined) {
      if (!Number.isInteger(partition) || partition < 0 || partition >= count) {
        done({ ok: false, error: new RestError(errors.partitionNotFound) })
        return
      }
    } else if (record.key) {
      partition = keyPartition(record.key, count)
    } else {
      partition = this.#sticky.get(topic) ?? Math.floor(Math.random() * count)
      this.#sticky.set(topic, partition)
    }
    let size = recordOverhead + (record.key?.length ?? 0) + (record.value?.length ?? 0)
    let headers: Map<Buffer, Buffer | undefined> | undefined
    if (record.headers && record.headers.length > 0) {
      headers = new Map()
      for (const [name, value] of record.headers) {
        const key = Buffer.from(name)
        headers.set(key, value ?? undefined)
        size += key.length + (value?.length ?? 0)
      }
    }
    if (size > this.#tuning.maxRequestBytes) {
      done({
        ok: false,
        error: new RestError(
          errors.payloadTooLarge,
          `The message is ${size} bytes when serialized which is larger than ${this.#tuning.maxRequestBytes}, which is the value of the max.request.size configuration.`
        )
      })
      return
    }
    const timestamp = record.timestamp ?? Date.now()
    this.#pending.push({
      message: {
        topic,
        partition: partition,
        key: record.key ?? undefined,
        value: record.value ?? undefined,
        headers,
        timestamp: BigInt(timestamp)
      },
      timestamp,
      resolve: done
    })
    this.#pendingBytes += size
    this.#schedule()
  }

  #schedule(): void {
    if (this.#inFlight >= maxInFlight) return // the completing send flushes
    if (this.#pendingBytes >= this.#tuning.batchBytes) {
      this.#flush()
      return
    }
    if (this.#tuning.lingerMs > 0) {
      this.#timer ??= setTimeout(() => this.#flush(), this.#tuning.lingerMs)
    } else {
      // Everything that arrives in this turn of the event loop leaves in one send.
      this.#immediate ??= setImmediate(() => this.#flush())
    }
  }

  #flush(): void {
    clearTimeout(this.#timer)
    clearImmediate(this.#immediate)
    this.#timer = undefined
    this.#immediate = undefined
    if (this.#pending.length === 0 || this.#inFlight >= maxInFlight) return
    const batch = this.#pending
    this.#pending = []
    this.#pendingBytes = 0
    // A new batch moves null-key records of these topics to a new partition (Java's sticky partitioner).
    for (const { message } of batch) this.#sticky.delete(message.topic)
    this.#inFlight++
    // Null header values are fine on the wire (length -1); the library's type just does not admit them.
    const messages = batch.map(p => p.message) as Parameters<Producer['send']>[0]['messages']
    const sent = this.#producer.send({ messages })
    withDeadline(sent, this.#tuning.deliveryTimeoutMs, 'produce')
      .then(
        result => settle(batch, result.offsets ?? [], undefined),
        (error: unknown) => settle(batch, producedBefore(error), error)
      )
      .finally(() => {
        this.#inFlight--
        if (this.#pending.length > 0) this.#schedule()
      })
      .catch(() => {})
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer)
    clearImmediate(this.#immediate)
    await this.#producer.close()
  }
}

interface PartitionOffset {
  topic: string
  partition: number
  offset: bigint
}

// Offsets come back per partition (the base offset of that partition's records in this send); each record's
// offset is the base plus its position among the send's records for the same partition.
function settle(batch: Pending[], offsets: PartitionOffset[], error: unknown): void {
  // Per topic, per partition: the next offset to hand out (base + records already settled).
  const next = new Map<string, Map<number, bigint>>()
  for (const o of offsets) {
    let partitions = next.get(o.topic)
    if (!partitions) next.set(o.topic, (partitions = new Map<number, bigint>()))
    partitions.set(o.partition, o.offset)
  }
  const failures = error === undefined ? undefined : partitionErrors(error)
  const fallback = error === undefined ? undefined : toRestError(error, 'produce')
  for (const { message, timestamp, resolve } of batch) {
    const partitions = next.get(message.topic)
    const offset = partitions?.get(message.partition)
    const failure = failures?.get(`${message.partition}:${message.topic}`)
    if (offset !== undefined && failure === undefined) {
      partitions!.set(message.partition, offset + 1n)
      resolve({ ok: true, partition: message.partition, offset, timestamp })
    } else {
      resolve({ ok: false, error: failure ?? fallback! })
    }
  }
}

interface ProduceResponseShape {
  responses?: { name: string; partitionResponses: { index: number; errorCode: number; baseOffset: bigint }[] }[]
}

// A failed send may still have written some partitions: destinations that answered fine are in
// `error.produced`, and a broker's partial answer keeps per-partition codes and offsets in its response.
function producedBefore(error: unknown): PartitionOffset[] {
  const produced = (error as { produced?: { offsets?: PartitionOffset[] } }).produced?.offsets ?? []
  const fromResponses: PartitionOffset[] = []
  for (const response of responsesOf(error)) {
    for (const topic of response.responses ?? []) {
      for (const p of topic.partitionResponses) {
        if (p.errorCode === 0) fromResponses.push({ topic: topic.name, partition: p.index, offset: p.baseOffset })
      }
    }
  }
  return [...produced, ...fromResponses]
}

function partitionErrors(error: unknown): Map<string, RestError> {
  const result = new Map<string, RestError>()
  for (const leaf of leavesWithPath(error)) {
    // Protocol errors name their place in the response: /responses/<topic index>/partitionResponses/<i>.
    const match = /\/responses\/(\d+)\/partition_?[rR]esponses\/(\d+)/.exec(leaf.path ?? '')
    const response = leaf.response
    if (!match || !response?.responses) continue
    const topic = response.responses[Number(match[1])]
    const partition = topic?.partitionResponses[Number(match[2])]
    if (topic && partition) result.set(`${partition.index}:${topic.name}`, toRestError(leaf.error, 'produce'))
  }
  return result
}

function* responsesOf(error: unknown): Generator<ProduceResponseShape> {
  if (!(error instanceof Error)) return
  const own = (error as { response?: ProduceResponseShape }).response
  if (own?.responses) yield own
  for (const inner of (error as { errors?: unknown[] }).errors ?? []) yield* responsesOf(inner)
}

function* leavesWithPath(
  error: unknown,
  response?: ProduceResponseShape
): Generator<{ error: Error; path?: string; response?: ProduceResponseShape }> {
  if (!(error instanceof Error)) return
  const own = (error as { response?: ProduceResponseShape }).response
  const nested = (error as { errors?: unknown[] }).errors
  if (nested?.length) {
    for (const inner of nested) yield* leavesWithPath(inner, own?.responses ? own : response)
  } else {
    yield { error, path: (error as { path?: string }).path, response }
  }
}

function isUnknownTopic(error: unknown): boolean {
  return error instanceof Error && /^Unknown topic /.test(error.message)
}

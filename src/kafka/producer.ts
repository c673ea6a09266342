// The shared produce path. Records from all HTTP requests go through one accumulator: while earlier sends are
// in flight (or linger.ms runs), new records wait and then leave together in one send, so concurrent requests
// to the same partition share Kafka produce requests. Partitions are chosen here, not by the client library:
// explicit partitions must be validated (the library silently wraps them) and keyed records must land where
// Java's default partitioner puts them. The Kafka client itself runs on a thread of its own (producer-thread.ts).
import { type KafkaClientSettings, type ProducerTuningSettings } from '../config/client-options.ts'
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { type OutgoingRecord, type RecordResult } from '../model/produce.ts'
import { toRestError, withDeadline } from './errors.ts'
import { keyPartition } from './murmur2.ts'
import { ProducerThread, type SendOutcome } from './producer-thread.ts'
import { type PackedRecord, packedSize } from './record-pack.ts'

interface Pending extends PackedRecord {
  done: (result: RecordResult) => void
  // Its packedSize.
  packed: number
}

// At most this many sends in flight: Kafka keeps sequence state for 5 in-flight batches per partition of an
// idempotent producer, and every send may touch every partition.
const maxInFlight = 5
// With at most one send in flight, a send leaves once this much is pending (batch.size if smaller) rather than at
// the end of the event loop's turn: parsing a v3 stream's burst of records takes a millisecond or more, through
// which Kafka would otherwise idle. (With more in flight, Kafka has work and bigger sends cost less per record.)
// 256 KiB rather than 128: every send wakes the producer thread, which costs the HTTP thread ~130 µs of wall time
// on two busy cores, so halving the sends of a 1 KiB stream is worth the longer wait (see bench/README.md).
const earlyBatchBytes = 256 * 1024
const countsTtlMs = 5000
// Rough per-record overhead in a record batch, for the max.request.size check of each record.
const recordOverhead = 70
// The producer thread bounds each send by delivery.timeout.ms; this much more is its last chance to answer.
const threadGraceMs = 5000

export class ProducePipeline {
  readonly #thread: ProducerThread
  readonly #tuning: ProducerTuningSettings
  readonly #earlyBatchBytes: number
  #pending: Pending[] = []
  #packedBytes = 0
  #inFlight = 0
  #timer: NodeJS.Timeout | undefined
  #immediate: NodeJS.Immediate | undefined
  readonly #sticky = new Map<string, number>()
  // Sends in flight per pooled producer (partition modulo the pool size, as the producer thread routes them).
  readonly #busy: number[]
  // Partition counts seen recently: the produce path asks for every record, the broker only every few seconds.
  readonly #counts = new Map<string, { count: number; until: number }>()
  // The entry #knownCount answered from last: streams ask once per record, for one topic.
  #last: { topic: string; known: { count: number; until: number } } | undefined
  #asks = 0

  constructor(settings: KafkaClientSettings, tuning: ProducerTuningSettings) {
    this.#tuning = tuning
    this.#earlyBatchBytes = Math.min(earlyBatchBytes, tuning.batchBytes)
    this.#busy = new Array<number>(Math.max(1, tuning.poolSize)).fill(0)
    this.#thread = new ProducerThread(settings, tuning)
  }

  /** Starts the producer thread ahead of the first request. */
  warm(): void {
    this.#thread.start()
  }

  // Number of partitions of `topic`; asks the broker to auto-create it (the broker decides, as with the Java
  // producer). Unknown topics fail within metadataTimeoutMs.
  async partitions(topic: string): Promise<number> {
    const known = this.#knownCount(topic)
    if (known !== undefined) return known
    const count = await this.#thread.partitions(topic)
    this.#counts.set(topic, { count, until: Date.now() + countsTtlMs })
    return count
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
    const last = this.#last?.topic === topic ? this.#last.known : undefined
    // The clock is read at most once per 64 asks for the same topic (a stream's records come in bursts).
    if (last && (++this.#asks & 63) !== 0) return last.count
    const now = Date.now()
    if (last && last.until > now) return last.count
    const known = this.#counts.get(topic)
    if (!known || known.until <= now) {
      this.#last = undefined
      return undefined
    }
    this.#last = { topic, known }
    return known.count
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
      partition = this.#sticky.get(topic)
      if (partition === undefined) this.#sticky.set(topic, (partition = this.#idlePartition(count)))
    }
    let size = recordOverhead + (record.key?.length ?? 0) + (record.value?.length ?? 0)
    let headers: [Buffer, Buffer | null][] | undefined
    if (record.headers && record.headers.length > 0) {
      headers = []
      for (const [name, value] of record.headers) {
        const key = Buffer.from(name)
        headers.push([key, value])
        size += key.length + (value?.length ?? 0)
      }
    }
    if (size > this.#tuning.maxRequestBytes || (headers && headers.length > 0xffff)) {
      done({
        ok: false,
        error: new RestError(
          errors.payloadTooLarge,
          `The message is ${size} bytes when serialized which is larger than ${this.#tuning.maxRequestBytes}, which is the value of the max.request.size configuration.`
        )
      })
      return
    }
    const pending: Pending = {
      topic,
      partition,
      key: record.key,
      value: record.value,
      headers,
      timestamp: record.timestamp ?? Date.now(),
      done,
      packed: 0
    }
    pending.packed = packedSize(pending)
    this.#pending.push(pending)
    this.#packedBytes += pending.packed
    this.#schedule()
  }

  // A partition for the next run of null-key records, uniformly at random among those whose producer has no
  // send in flight (any when all are busy): its send goes out at once instead of queueing behind another one
  // on the same connection. Like Kafka's adaptive sticky partitioner (KIP-794), which also avoids busy brokers.
  #idlePartition(count: number): number {
    const start = Math.floor(Math.random() * count)
    const pool = this.#busy.length
    for (let i = 0; i < count; i++) {
      const partition = (start + i) % count
      if (this.#busy[partition % pool] === 0) return partition
    }
    return start
  }

  #schedule(): void {
    if (this.#inFlight >= maxInFlight) return // the completing send flushes
    if (this.#packedBytes >= (this.#inFlight <= 1 ? this.#earlyBatchBytes : this.#tuning.batchBytes)) {
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
    const { batch, bytes } = this.#take()
    // A new batch moves null-key records of these topics to a new partition (Java's sticky partitioner).
    const pool = this.#busy.length
    const producers = new Set<number>()
    let lastTopic: string | undefined
    let lastPartition = -1
    for (const { topic, partition } of batch) {
      if (topic !== lastTopic) this.#sticky.delete((lastTopic = topic))
      if (partition !== lastPartition) producers.add((lastPartition = partition) % pool)
    }
    for (const p of producers) this.#busy[p]++
    this.#inFlight++
    withDeadline(this.#thread.send(batch, bytes), this.#tuning.deliveryTimeoutMs + threadGraceMs, 'produce')
      .then(
        outcome => settle(batch, outcome),
        (error: unknown) => settle(batch, { offsets: [], fallback: error as RestError })
      )
      .finally(() => {
        for (const p of producers) this.#busy[p]--
        this.#inFlight--
        if (this.#pending.length > 0) this.#schedule()
      })
      .catch(() => {})
    if (this.#pending.length > 0) this.#schedule()
  }

  // The records of the next send: all pending, or, when more than max.request.size has piled up while sends
  // were in flight, the oldest that fit in it (the rest go in the next send). All null-key records of a topic in
  // a send go to one partition, as one batch, and a broker refuses a batch larger than its message.max.bytes
  // (1 MiB by default, as max.request.size).
  #take(): { batch: Pending[]; bytes: number } {
    const pending = this.#pending
    const limit = this.#tuning.maxRequestBytes
    if (this.#packedBytes <= limit) {
      const bytes = this.#packedBytes
      this.#pending = []
      this.#packedBytes = 0
      return { batch: pending, bytes }
    }
    let n = 0
    let bytes = 0
    for (; n < pending.length && (n === 0 || bytes + pending[n].packed <= limit); n++) bytes += pending[n].packed
    this.#packedBytes -= bytes
    return { batch: pending.splice(0, n), bytes }
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer)
    clearImmediate(this.#immediate)
    await this.#thread.close()
  }
}

// Offsets come back per partition (the base offset of that partition's records in this send); each record's
// offset is the base plus its position among the send's records for the same partition.
function settle(batch: Pending[], { offsets, failures, fallback }: SendOutcome): void {
  // Per topic, per partition: the next offset to hand out (base + records already settled).
  const next = new Map<string, Map<number, bigint>>()
  for (const o of offsets) {
    let partitions = next.get(o.topic)
    if (!partitions) next.set(o.topic, (partitions = new Map<number, bigint>()))
    partitions.set(o.partition, o.offset)
  }
  for (const { topic, partition, timestamp, done } of batch) {
    const partitions = next.get(topic)
    const offset = partitions?.get(partition)
    const failure = failures?.get(`${partition}:${topic}`)
    if (offset !== undefined && failure === undefined) {
      partitions!.set(partition, offset + 1n)
      done({ ok: true, partition, offset, timestamp })
    } else {
      done({
        ok: false,
        error: failure ?? fallback ?? new RestError(errors.internal, 'Kafka did not report this record.')
      })
    }
  }
}

// The Produce API of the producer thread: record batches made from the runs of a pack (record-pack.ts), whose
// records are already in Kafka's format. Only the batch header is written here, and the checksum taken.
//
// The client's producer still does everything else (idempotent producer ids and sequence numbers, leaders,
// retries, answers): a run enters it as one "carrier" message holding the run's bytes followed by one empty
// placeholder message per further record, so the client counts the right number of records per partition for
// its sequence numbers. `useRecordRuns(producer)` swaps the API the client looks up for 'Produce' for one that
// turns each such group back into a single batch. Produce v9 to v11 share one request layout (Kafka 2.4+).
import { createRequire } from 'node:module'
import {
  compressionsAlgorithms,
  crc32c as clientCrc32c,
  createAPI,
  kGetApi,
  type Producer,
  ProduceAcks,
  produceV9,
  produceV10,
  produceV11,
  Writer
} from '@platformatic/kafka'
import { type RecordRun } from './record-pack.ts'

// The native CRC-32C, which can continue from a previous value (the header part, then the records, no copy);
// the client's own when the native build is missing on this platform.
type Crc32c = (data: Uint8Array, initial?: number) => number
const nativeCrc = (() => {
  try {
    return (createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: Crc32c }).crc32c
  } catch {
    return undefined
  }
})()
const checksum = (head: Buffer, records: Buffer): number =>
  nativeCrc ? nativeCrc(records, nativeCrc(head)) : clientCrc32c(Buffer.concat([head, records]))

const parsers: Record<number, unknown> = {
  9: produceV9.parseResponse,
  10: produceV10.parseResponse,
  11: produceV11.parseResponse
}

// Marks a carrier's and a placeholder's key: the client passes keys through untouched (no serializer is set).
const carrierKey = Buffer.alloc(0)
const placeholderKey = Buffer.alloc(0)
const empty = Buffer.alloc(0)
const runOf = new WeakMap<Buffer, RecordRun>()

export interface RunMessage {
  topic: string
  partition: number
  key: Buffer
  value: Buffer
  timestamp: bigint
}

/** The messages that carry `run` through the client's send. */
export function runMessages(run: RecordRun, into: RunMessage[]): void {
  const { topic, partition } = run
  const timestamp = BigInt(run.firstTimestamp)
  runOf.set(run.records, run)
  into.push({ topic, partition, key: carrierKey, value: run.records, timestamp })
  for (let i = 1; i < run.count; i++) into.push({ topic, partition, key: placeholderKey, value: empty, timestamp })
}

interface Message {
  topic: string
  partition: number
  key?: Buffer
  value?: Buffer
}

interface Sequences {
  getWithDefault(key: string, fallback: number): number
}

interface ProduceOptions {
  compression?: string
  producerId?: bigint
  producerEpoch?: number
  sequences?: Sequences
  transactionalId?: string | null
}

const TRANSACTIONAL = 0x10
// baseOffset, batchLength, partitionLeaderEpoch, magic, crc, then the 40 bytes the crc covers up to the records.
const headerBytes = 8 + 4 + 4 + 1 + 4 + 40

/** The record batch of one carrier group (its carrier and placeholders), as the buffers to send. */
export function runBatch(messages: readonly Message[], options: ProduceOptions): Buffer[] {
  const run = messages[0].key === carrierKey && messages[0].value ? runOf.get(messages[0].value) : undefined
  if (!run || run.count !== messages.length) {
    throw new Error(`produce: a partition's messages are not one record run (${messages.length} messages)`)
  }
  let records = run.records
  let attributes = options.transactionalId ? TRANSACTIONAL : 0
  const compression = options.compression ?? 'none'
  if (compression !== 'none') {
    const algorithm = compressionsAlgorithms[compression as keyof typeof compressionsAlgorithms]
    records = algorithm.compressSync(records)
    attributes |= algorithm.bitmask
  }
  const idempotent = options.producerId !== undefined && options.producerId >= 0n
  const header = Buffer.allocUnsafe(headerBytes)
  header.writeBigInt64BE(0n, 0) // baseOffset
  header.writeInt32BE(headerBytes - 12 + records.length, 8) // batchLength: what follows it
  header.writeInt32BE(-1, 12) // partitionLeaderEpoch, set by the broker
  header.writeInt8(2, 16) // magic
  header.writeInt16BE(attributes, 21)
  header.writeInt32BE(run.count - 1, 23) // lastOffsetDelta
  header.writeBigInt64BE(BigInt(run.firstTimestamp), 27)
  header.writeBigInt64BE(BigInt(run.maxTimestamp), 35)
  header.writeBigInt64BE(idempotent ? options.producerId! : -1n, 43)
  header.writeInt16BE(idempotent ? (options.producerEpoch ?? 0) : -1, 51)
  const sequence = idempotent && options.sequences ? options.sequences.getWithDefault(`${run.topic}:${run.partition}`, 0) : -1 // prettier-ignore
  header.writeInt32BE(sequence, 53)
  header.writeInt32BE(run.count, 57)
  header.writeUInt32BE(checksum(header.subarray(21), records), 17)
  return [header, records]
}

// Produce v9-v11: transactional_id acks timeout_ms [topic_data: name [partition_data: index records]].
function createRequest(acks: number, timeout: number, topicData: Message[], options: ProduceOptions): Writer {
  const topics = new Map<string, Map<number, Message[]>>()
  for (const message of topicData) {
    let partitions = topics.get(message.topic)
    if (!partitions) topics.set(message.topic, (partitions = new Map<number, Message[]>()))
    const group = partitions.get(message.partition)
    if (group) group.push(message)
    else partitions.set(message.partition, [message])
  }
  const writer = Writer.create()
    .appendString(options.transactionalId ?? null)
    .appendInt16(acks)
    .appendInt32(timeout)
    .appendArray([...topics], (w, [topic, partitions]) => {
      w.appendString(topic).appendArray([...partitions], (w, [partition, messages]) => {
        const [header, records] = runBatch(messages, options)
        w.appendInt32(partition).appendUnsignedVarInt(header.length + records.length + 1)
        w.append(header).append(records)
      })
    })
    .appendTaggedFields()
  if (acks === ProduceAcks.NO_RESPONSE) writer.context.noResponse = true
  return writer
}

type Api = ((...args: unknown[]) => void) & { key: number; version: number }
type GetApi = (name: string, callback: (error: Error | null, api?: Api) => void) => void

const apis = new Map<number, Api>()

function runApi(version: number): Api {
  let api = apis.get(version)
  if (!api) {
    api = createAPI(0, version, createRequest as never, parsers[version] as never) as unknown as Api
    apis.set(version, api)
  }
  return api
}

/** Makes `producer` send record runs (runMessages) with the highest Produce version both sides speak (9-11). */
export function useRecordRuns(producer: Producer): void {
  const client = producer as unknown as { [kGetApi]: GetApi }
  const lookUp = client[kGetApi].bind(producer)
  client[kGetApi] = (name, callback) => {
    if (name !== 'Produce') return lookUp(name, callback)
    lookUp(name, (error, api) => {
      if (error || !api) return callback(error)
      if (!(api.version in parsers)) {
        return callback(
          new Error(`The proxy needs a broker that speaks Produce v9 to v11 (Kafka 2.4 or later); it offers v${api.version}.`) // prettier-ignore
        )
      }
      callback(null, runApi(api.version))
    })
  }
}

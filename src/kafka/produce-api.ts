// The Produce API of the producer thread: record batches made from the runs of a pack (record-pack.ts), whose
// records are already in Kafka's format. Only the batch header is written here, and the checksum taken.
//
// The client's producer still does the rest (the idempotent producer id and its renewal, leaders, retries,
// answers): a run enters its send() as one message holding the run's bytes, and `useRecordRuns(producer)` swaps
// the API the client looks up for 'Produce' for one that writes that message as the run's batch. Produce v9 to
// v11 share one request layout (Kafka 2.4+).
//
// Sequence numbers are ours: the client counts one per message, a batch needs one per record. They are kept
// per producer id and epoch (a renewed id or a bumped epoch starts again from 0, as the client's do) and per
// partition, and taken when the request is first written; a retry of the same run writes the same number,
// which is what lets the broker drop a duplicate.
import { createRequire } from 'node:module'
import {
  compressionsAlgorithms,
  crc32c as clientCrc32c,
  type Producer,
  ProduceAcks,
  produceV9,
  produceV10,
  produceV11,
  Writer
} from '@platformatic/kafka'
import { swapApi } from './api-swap.ts'
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

// Marks the key of a message that carries a run: the client passes keys through untouched (no serializer is set).
const carrierKey = Buffer.alloc(0)

interface RunState {
  run: RecordRun
  // The producer id and epoch its sequence number belongs to.
  identity: string
  sequence: number
}

const runOf = new WeakMap<Buffer, RunState>()

export interface RunMessage {
  topic: string
  partition: number
  key: Buffer
  value: Buffer
  timestamp: bigint
}

/** The message that carries `run` through the client's send. */
export function runMessage(run: RecordRun): RunMessage {
  runOf.set(run.records, { run, identity: '', sequence: -1 })
  return {
    topic: run.topic,
    partition: run.partition,
    key: carrierKey,
    value: run.records,
    timestamp: BigInt(run.firstTimestamp)
  }
}

interface Message {
  topic: string
  partition: number
  key?: Buffer
  value?: Buffer
}

interface ProduceOptions {
  compression?: string
  producerId?: bigint
  producerEpoch?: number
  transactionalId?: string | null
}

const TRANSACTIONAL = 0x10
// baseOffset, batchLength, partitionLeaderEpoch, magic, crc, then the 40 bytes the crc covers up to the records.
const headerBytes = 8 + 4 + 4 + 1 + 4 + 40

// Next sequence number per "<producer id>:<epoch>", then per "<topic>:<partition>". Ids of earlier epochs are
// dropped once a few newer ones exist (each pooled producer has one at a time).
const sequences = new Map<string, Map<string, number>>()
const keptIdentities = 16
const maxInt32 = 2 ** 31 - 1

// Java's DefaultRecordBatch.incrementSequence: sequence numbers wrap to 0 after Int32 max.
export const incremented = (sequence: number, by: number) =>
  sequence > maxInt32 - by ? by - (maxInt32 - sequence) - 1 : sequence + by

/** The base sequence of `state`'s run under the producer of `options` (-1 when not idempotent). */
function sequenceOf(state: RunState, options: ProduceOptions): number {
  if (options.producerId === undefined || options.producerId < 0n) return -1
  const identity = `${options.producerId}:${options.producerEpoch ?? 0}`
  if (state.identity === identity) return state.sequence
  let partitions = sequences.get(identity)
  if (!partitions) {
    sequences.set(identity, (partitions = new Map<string, number>()))
    if (sequences.size > keptIdentities) sequences.delete(sequences.keys().next().value!)
  }
  const { run } = state
  const key = `${run.topic}:${run.partition}`
  const sequence = partitions.get(key) ?? 0
  partitions.set(key, incremented(sequence, run.count))
  state.identity = identity
  state.sequence = sequence
  return sequence
}

/** The record batch of the run `state` holds, as the buffers to send. */
export function runBatch(state: RunState, options: ProduceOptions): Buffer[] {
  const { run } = state
  let records = run.records
  let attributes = options.transactionalId ? TRANSACTIONAL : 0
  const compression = options.compression ?? 'none'
  if (compression !== 'none') {
    const algorithm = compressionsAlgorithms[compression as keyof typeof compressionsAlgorithms]
    records = algorithm.compressSync(records)
    attributes |= algorithm.bitmask
  }
  const sequence = sequenceOf(state, options)
  const idempotent = sequence >= 0
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
  header.writeInt32BE(sequence, 53)
  header.writeInt32BE(run.count, 57)
  header.writeUInt32BE(checksum(header.subarray(21), records), 17)
  return [header, records]
}

/** The runs `topicData` carries, by topic (a send holds one run per partition). */
export function runsOf(topicData: readonly Message[]): Map<string, RunState[]> {
  const topics = new Map<string, RunState[]>()
  for (const message of topicData) {
    const state = message.key === carrierKey && message.value ? runOf.get(message.value) : undefined
    if (!state) throw new Error(`produce: a message of ${message.topic}-${message.partition} carries no record run`)
    const runs = topics.get(state.run.topic)
    if (runs) runs.push(state)
    else topics.set(state.run.topic, [state])
  }
  return topics
}

// Produce v9-v11: transactional_id acks timeout_ms [topic_data: name [partition_data: index records]].
function createRequest(acks: number, timeout: number, topicData: Message[], options: ProduceOptions): Writer {
  const writer = Writer.create()
    .appendString(options.transactionalId ?? null)
    .appendInt16(acks)
    .appendInt32(timeout)
    .appendArray([...runsOf(topicData)], (w, [topic, runs]) => {
      w.appendString(topic).appendArray(runs, (w, state) => {
        const [header, records] = runBatch(state, options)
        w.appendInt32(state.run.partition).appendUnsignedVarInt(header.length + records.length + 1)
        w.append(header).append(records)
      })
    })
    .appendTaggedFields()
  if (acks === ProduceAcks.NO_RESPONSE) writer.context.noResponse = true
  return writer
}

/** Makes `producer` send record runs (runMessage) with the highest Produce version both sides speak (9-11). */
export function useRecordRuns(producer: Producer): void {
  swapApi(
    producer,
    'Produce',
    0,
    version => (version in parsers ? { createRequest, parseResponse: parsers[version] } : undefined),
    version => `The proxy needs a broker that speaks Produce v9 to v11 (Kafka 2.4 or later); it offers v${version}.`
  )
}

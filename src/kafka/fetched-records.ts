// The records of a Fetch answer, kept encoded until a read takes them. The client's own Fetch parser builds an
// object per record (a Buffer each for key and value, a BigInt each for offset and timestamp, an array of
// headers): at hundreds of thousands of records a second that, and the garbage it leaves, cost more than the rest
// of a read. Here a partition's answer becomes a list of record batches (their headers read, their records left as
// bytes; a compressed batch is decompressed once), and a cursor decodes one record at a time into a view that
// names where its key, value and headers lie in those bytes. The JSON writers copy or encode from there.
//
// The broker answers with whole record batches, so a batch may start before the requested offset (those records
// are skipped); control batches (transaction markers) carry no records but still advance the position; a batch cut
// short by the answer's size limit is left for the next fetch.
import { compressionsAlgorithmsByBitmask } from '@platformatic/kafka'
import { type ConsumedRecord } from '../model/consumer.ts'
import { keyOf } from '../serde/record-view.ts'
import { readVarInt, readVarLong, varintEnd } from '../serde/varint.ts'
import { errorNameOf } from './errors.ts'
import { PartitionError } from './group-offsets.ts'

/** A record batch of a Fetch answer (magic 2), its records still encoded: `data` holds them and nothing else. */
export interface RawBatch {
  firstOffset: bigint
  // firstOffset as a number
  base: number
  lastOffsetDelta: number
  attributes: number
  producerId: bigint
  firstTimestamp: number
  maxTimestamp: number
  count: number
  data: Buffer
  // Records before this offset were not asked for (set when a cursor takes the batch).
  from: number
  // The client's read_committed filter reads the first record's key of control batches (the marker type); other
  // batches list nothing here.
  records: { key: Buffer | null }[]
}

export interface FetchedPartition {
  partitionIndex: number
  errorCode: number
  records?: RawBatch[] | null
}

const IS_COMPRESSED = 0x07
const LOG_APPEND_TIME = 0x08
const IS_CONTROL = 0x20
// firstOffset(8) length(4) partitionLeaderEpoch(4) magic(1) crc(4) attributes(2) lastOffsetDelta(4)
// firstTimestamp(8) maxTimestamp(8) producerId(8) producerEpoch(2) firstSequence(4) count(4)
const BATCH_HEADER = 61
const LENGTH_PREFIX = 12

// Leadership moved: refresh metadata and fetch again.
const staleMetadata = new Set([
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH'
])

/** The record batches in a partition's records bytes; a last batch cut short is left out. */
export function readBatches(bytes: Buffer): RawBatch[] {
  const batches: RawBatch[] = []
  let at = 0
  while (bytes.length - at >= LENGTH_PREFIX) {
    const end = at + LENGTH_PREFIX + bytes.readInt32BE(at + 8)
    if (end > bytes.length || end < at + BATCH_HEADER) break
    const magic = bytes[at + 16]
    if (magic !== 2) throw new Error(`Unsupported record batch format (magic ${magic}): Kafka 0.11 or later writes 2.`)
    const attributes = bytes.readInt16BE(at + 21)
    const firstOffset = bytes.readBigInt64BE(at)
    let data = bytes.subarray(at + BATCH_HEADER, end)
    const compression = attributes & IS_COMPRESSED
    if (compression !== 0) {
      const algorithm = compressionsAlgorithmsByBitmask[compression]
      if (!algorithm) throw new Error(`Unsupported compression in a record batch (attributes ${attributes}).`)
      data = algorithm.decompressSync(data)
    }
    const batch: RawBatch = {
      firstOffset,
      base: Number(firstOffset),
      lastOffsetDelta: bytes.readInt32BE(at + 23),
      attributes,
      producerId: bytes.readBigInt64BE(at + 43),
      firstTimestamp: Number(bytes.readBigInt64BE(at + 27)),
      maxTimestamp: Number(bytes.readBigInt64BE(at + 35)),
      count: bytes.readInt32BE(at + 57),
      data,
      from: -1,
      records: []
    }
    if (attributes & IS_CONTROL && batch.count > 0) {
      const first = new RecordCursor('', 0)
      first.append([{ ...batch, attributes: 0 }], -1)
      const view = first.peek()
      if (view) batch.records = [{ key: keyOf(view) }]
    }
    batches.push(batch)
    at = end
  }
  return batches
}

export type FetchedResult =
  | { error?: undefined; batches: RawBatch[]; next: bigint }
  | { error: 'OFFSET_OUT_OF_RANGE' | 'STALE_METADATA' | PartitionError }

export function recordsOf(topic: string, fetched: FetchedPartition, from: bigint): FetchedResult {
  if (fetched.errorCode !== 0) {
    const name = errorNameOf(fetched.errorCode)
    if (name === 'OFFSET_OUT_OF_RANGE') return { error: name }
    if (staleMetadata.has(name)) return { error: 'STALE_METADATA' }
    return { error: new PartitionError(name, `${topic}-${fetched.partitionIndex}`) }
  }
  const batches = fetched.records ?? []
  let next = from
  for (const batch of batches) {
    const end = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n
    if (end > next) next = end
  }
  if (next > maxOffset) {
    const error = new PartitionError('OFFSET_OUT_OF_RANGE', `${topic}-${fetched.partitionIndex}`)
    error.message = `Offsets of ${topic}-${fetched.partitionIndex} pass 2^53, which this proxy does not read.`
    return { error }
  }
  return { batches, next }
}

// Offsets and timestamps are read as JavaScript numbers: exact up to 2^53 (at a million records a second, an
// offset gets there in 285 years).
const maxOffset = BigInt(Number.MAX_SAFE_INTEGER)

/**
 * The partition's buffered records, read one at a time: `peek()` decodes the record at the cursor (skipping those
 * before the requested offset and control batches) into a view that stays valid until `next()`.
 */
export class RecordCursor {
  readonly #view: ConsumedRecord
  #batches: RawBatch[] = []
  #batch = 0
  #left = 0
  #at = 0
  #ready = false

  constructor(topic: string, partition: number) {
    this.#view = {
      topic,
      partition,
      offset: 0,
      timestamp: 0,
      data: Buffer.alloc(0),
      keyStart: 0,
      keyLength: -1,
      valueStart: 0,
      valueLength: -1,
      headersStart: 0,
      headerCount: 0
    }
  }

  /** Adds the batches of a fetch from `from` (records before it are skipped). */
  append(batches: RawBatch[], from: number): void {
    for (const batch of batches) batch.from = from
    if (this.#batch < this.#batches.length) {
      this.#batches = [...this.#batches.slice(this.#batch), ...batches]
    } else {
      this.#batches = batches
      this.#left = batches.length > 0 ? batches[0].count : 0
      this.#at = 0
    }
    this.#batch = 0
  }

  /** Drops every buffered record. */
  clear(): void {
    this.#batches = []
    this.#batch = 0
    this.#left = 0
    this.#ready = false
  }

  get empty(): boolean {
    return this.peek() === undefined
  }

  /** About how many bytes of records are left to read: their batches' bytes after the record peek() decoded. */
  get bytes(): number {
    let bytes = -this.#at
    for (let i = this.#batch; i < this.#batches.length; i++) bytes += this.#batches[i].data.length
    return Math.max(bytes, 0)
  }

  peek(): ConsumedRecord | undefined {
    if (this.#ready) return this.#view
    const view = this.#view
    for (;;) {
      if (this.#batch >= this.#batches.length) return undefined
      const batch = this.#batches[this.#batch]
      if (this.#left === 0 || batch.attributes & IS_CONTROL) {
        if (++this.#batch < this.#batches.length) {
          this.#left = this.#batches[this.#batch].count
          this.#at = 0
        } else {
          this.#batches = []
          this.#batch = 0
        }
        continue
      }
      const data = batch.data
      const length = readVarInt(data, this.#at)
      const end = varintEnd() + length
      // attributes (1 byte, unused), then the deltas
      const timestampDelta = readVarLong(data, varintEnd() + 1)
      const offset = batch.base + readVarInt(data, varintEnd())
      this.#left--
      if (offset < batch.from) {
        this.#at = end
        continue
      }
      view.data = data
      view.offset = offset
      view.timestamp = batch.attributes & LOG_APPEND_TIME ? batch.maxTimestamp : batch.firstTimestamp + timestampDelta
      view.keyLength = readVarInt(data, varintEnd())
      view.keyStart = varintEnd()
      view.valueLength = readVarInt(data, varintEnd() + Math.max(view.keyLength, 0))
      view.valueStart = varintEnd()
      view.headerCount = readVarInt(data, varintEnd() + Math.max(view.valueLength, 0))
      view.headersStart = varintEnd()
      this.#at = end
      this.#ready = true
      return view
    }
  }

  /** Moves past the record `peek()` returned. */
  next(): void {
    if (!this.#ready) this.peek()
    this.#ready = false
  }
}

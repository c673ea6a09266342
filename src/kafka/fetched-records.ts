// Turns one partition of a Fetch response into records. The broker answers with whole record batches, so a
// batch may start before the requested offset (those records are skipped); control batches (transaction
// markers) carry no records but still advance the position.
import { type ConsumedRecord } from '../model/consumer.ts'
import { errorNameOf } from './errors.ts'
import { PartitionError } from './group-offsets.ts'

interface FetchedRecord {
  timestampDelta: bigint
  offsetDelta: number
  key: Buffer | null | undefined
  value: Buffer | null | undefined
  headers: [Buffer | null, Buffer | null][]
}

interface FetchedBatch {
  firstOffset: bigint
  lastOffsetDelta: number
  firstTimestamp: bigint
  maxTimestamp: bigint
  attributes: number
  records: FetchedRecord[]
}

export interface FetchedPartition {
  partitionIndex: number
  errorCode: number
  records?: FetchedBatch[] | null
}

const IS_CONTROL = 0x20
const LOG_APPEND_TIME = 0x08
// Leadership moved: refresh metadata and fetch again.
const staleMetadata = new Set([
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH'
])

export type FetchedResult =
  | { error?: undefined; records: ConsumedRecord[]; next: bigint }
  | { error: 'OFFSET_OUT_OF_RANGE' | 'STALE_METADATA' | PartitionError }

export function recordsOf(topic: string, fetched: FetchedPartition, from: bigint): FetchedResult {
  if (fetched.errorCode !== 0) {
    const name = errorNameOf(fetched.errorCode)
    if (name === 'OFFSET_OUT_OF_RANGE') return { error: name }
    if (staleMetadata.has(name)) return { error: 'STALE_METADATA' }
    return { error: new PartitionError(name, `${topic}-${fetched.partitionIndex}`) }
  }
  const records: ConsumedRecord[] = []
  let next = from
  const partition = fetched.partitionIndex
  for (const batch of fetched.records ?? []) {
    const end = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n
    if (end > next) next = end
    if (batch.attributes & IS_CONTROL) continue
    const logAppendTime = (batch.attributes & LOG_APPEND_TIME) !== 0
    for (const r of batch.records) {
      const offset = batch.firstOffset + BigInt(r.offsetDelta)
      if (offset < from) continue
      records.push({
        topic,
        partition,
        offset,
        timestamp: logAppendTime ? batch.maxTimestamp : batch.firstTimestamp + r.timestampDelta,
        key: r.key ?? null,
        value: r.value ?? null,
        headers: r.headers
      })
    }
  }
  return { records, next }
}

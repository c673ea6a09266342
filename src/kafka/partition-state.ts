// Per-partition state of a v2 consumer instance and the pure steps over it: handing buffered records to a read,
// building a Fetch request, and applying a Fetch response. Kept apart from the Kafka calls in group-consumer.ts.
import { RecordPending, type RecordSink, type TopicPartition } from '../model/consumer.ts'
import { type FetchedPartition, RecordCursor, recordsOf } from './fetched-records.ts'
import { type PartitionError } from './group-offsets.ts'

export interface PartitionState extends TopicPartition {
  key: string
  // Next offset to fetch; undefined until looked up (committed offset or auto.offset.reset).
  fetchOffset: bigint | undefined
  // Next offset after the last record handed to a client: what "commit everything" commits.
  consumed: bigint | undefined
  committed: bigint | undefined
  // Bumped by every seek: a fetch that was in flight across it is dropped.
  epoch: number
  resolving: boolean
  outOfRange: boolean
  // Fetched records not yet handed to a client.
  buffered: RecordCursor
  error: Error | undefined
}

export const keyOf = (topic: string, partition: number): string => `${topic}\u0000${partition}`

export function newState(topic: string, partition: number, key: string): PartitionState {
  return {
    topic,
    partition,
    key,
    fetchOffset: undefined,
    consumed: undefined,
    committed: undefined,
    epoch: 0,
    resolving: false,
    outOfRange: false,
    buffered: new RecordCursor(topic, partition),
    error: undefined
  }
}

export function moveTo(state: PartitionState, offset: bigint): void {
  state.fetchOffset = state.consumed = offset
  state.epoch++
  state.buffered.clear()
  state.outOfRange = false
  state.error = undefined
}

// Moves buffered records into `out` as encoded text until the next one would pass `budget` bytes (key + value;
// the first record always goes). A record `encode` refuses stays buffered: it fails the read when it is the
// first, else it ends the read before it. A record `encode` cannot encode yet (RecordPending) stays buffered
// too, with the rest of its partition; the other partitions are still drained, and `pending` tells the read what
// to wait for before draining again.
export function drain(
  states: PartitionState[],
  out: RecordSink,
  budget: number
): { bytes: number; full: boolean; pending?: Promise<void> } {
  let bytes = 0
  let pending: Promise<void> | undefined
  const done = (full: boolean) => (pending ? { bytes, full, pending } : { bytes, full })
  for (const s of states) {
    let last = -1
    let full = false
    for (let record = s.buffered.peek(); record !== undefined; record = s.buffered.peek()) {
      const size = Math.max(record.keyLength, 0) + Math.max(record.valueLength, 0)
      if (out.count > 0 && bytes + size > budget) {
        full = true
        break
      }
      try {
        out.add(record)
      } catch (error) {
        if (error instanceof RecordPending) {
          pending ??= error.ready
          break
        }
        if (out.count === 0) throw error
        full = true
        break
      }
      bytes += size
      last = record.offset
      s.buffered.next()
    }
    if (last >= 0) s.consumed = BigInt(last) + 1n
    if (full) return done(true)
  }
  return done(bytes >= budget)
}

interface Requested {
  state: PartitionState
  epoch: number
  offset: bigint
}

export function fetchRequest(
  states: PartitionState[],
  topics: Map<string, { id: string }>,
  partitionMaxBytes: number
): { request: unknown[]; names: Map<string, string>; requested: Map<string, Requested> } {
  const requested = new Map(states.map(s => [s.key, { state: s, epoch: s.epoch, offset: s.fetchOffset! }]))
  const names = new Map<string, string>()
  const request = new Map<string, { topicId: string; partitions: unknown[] }>()
  for (const s of states) {
    const topicId = topics.get(s.topic)!.id
    names.set(topicId, s.topic)
    let entry = request.get(topicId)
    if (!entry) request.set(topicId, (entry = { topicId, partitions: [] }))
    entry.partitions.push({
      partition: s.partition,
      fetchOffset: s.fetchOffset!,
      partitionMaxBytes,
      currentLeaderEpoch: -1,
      lastFetchedEpoch: -1
    })
  }
  return { request: [...request.values()], names, requested }
}

export function applyFetched(
  responses: { topicId: string; partitions: FetchedPartition[] }[],
  names: Map<string, string>,
  requested: Map<string, Requested>,
  current: Map<string, PartitionState>
): { staleMetadata: boolean; errors: PartitionError[] } {
  const outcome = { staleMetadata: false, errors: [] as PartitionError[] }
  for (const topic of responses) {
    const name = names.get(topic.topicId)
    if (name === undefined) continue
    for (const p of topic.partitions) {
      const asked = requested.get(keyOf(name, p.partitionIndex))
      const s = asked?.state
      // Dropped when the partition was revoked, sought or re-fetched meanwhile.
      if (!s || current.get(s.key) !== s || s.epoch !== asked.epoch || s.fetchOffset !== asked.offset) continue
      const result = recordsOf(name, p, asked.offset)
      if (result.error === 'OFFSET_OUT_OF_RANGE') {
        // The log moved past us: the position is reset (auto.offset.reset) and the records still buffered,
        // which come before the reset position's range, are dropped with it.
        s.fetchOffset = undefined
        s.outOfRange = true
        s.buffered.clear()
      } else if (result.error === 'STALE_METADATA') {
        outcome.staleMetadata = true
      } else if (result.error) {
        outcome.errors.push(result.error)
      } else {
        // Appended, never replaced: records still buffered from an earlier fetch must not be dropped.
        s.buffered.append(result.batches, Number(asked.offset))
        if (result.next > s.fetchOffset) s.fetchOffset = result.next
      }
    }
  }
  return outcome
}

export function partitionsOption(list: TopicPartition[]): { topics: string[]; partitions: Record<string, number[]> } {
  const partitions: Record<string, number[]> = {}
  for (const p of list) (partitions[p.topic] ??= []).push(p.partition)
  return { topics: Object.keys(partitions), partitions }
}

// Consumer lag arithmetic, as kafka-rest computes it: one entry per partition with a committed offset, owned by
// the member the partition is assigned to ("" when none), lag = log end offset - committed offset.
import { type ConsumerGroup, type ConsumerLag, type LagSummary, type TopicPartition } from '../model/consumer-group.ts'

export interface PartitionOffset extends TopicPartition {
  offset: bigint
}

export function compareTopicPartition(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition
}

// kafka-rest's list order: lag descending, then topic, then partition.
export function compareLags(a: ConsumerLag, b: ConsumerLag): number {
  return a.lag > b.lag ? -1 : a.lag < b.lag ? 1 : compareTopicPartition(a, b)
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`

// Partitions whose end offset is unknown (`endOffsets` has no entry) are left out, as upstream does.
export function consumerLags(
  group: ConsumerGroup,
  committed: PartitionOffset[],
  endOffsets: (topic: string, partition: number) => bigint | undefined
): ConsumerLag[] {
  const owners = new Map<string, ConsumerGroup['members'][number]>()
  for (const member of group.members) {
    for (const a of member.assignments) owners.set(key(a.topic, a.partition), member)
  }
  const lags: ConsumerLag[] = []
  for (const { topic, partition, offset } of committed) {
    const end = endOffsets(topic, partition)
    if (end === undefined) continue
    const owner = owners.get(key(topic, partition))
    lags.push({
      topic,
      partition,
      consumerId: owner?.consumerId ?? '',
      instanceId: owner?.instanceId ?? null,
      clientId: owner?.clientId ?? '',
      currentOffset: offset,
      logEndOffset: end,
      lag: end - offset
    })
  }
  return lags.sort(compareLags)
}

// The partition with the largest lag (negative lags count as 0) and the total; null for no partitions. Ties go
// to the first partition in topic/partition order (upstream takes whichever its hash map yields first).
export function lagSummary(lags: ConsumerLag[]): LagSummary | null {
  let max: ConsumerLag | undefined
  let maxLag = -1n
  let totalLag = 0n
  for (const lag of [...lags].sort(compareTopicPartition)) {
    const clamped = lag.lag > 0n ? lag.lag : 0n
    if (clamped > maxLag) {
      max = lag
      maxLag = clamped
    }
    totalLag += clamped
  }
  return max ? { max: { ...max, lag: maxLag }, totalLag } : null
}

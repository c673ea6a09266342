// Consumer groups as every layer sees them: classic groups (JoinGroup/SyncGroup) and KIP-848 "consumer"
// protocol groups alike. Offsets are bigint end to end.

export interface TopicPartition {
  topic: string
  partition: number
}

export interface GroupMember {
  consumerId: string
  // The static membership id (group.instance.id), null for dynamic members.
  instanceId: string | null
  clientId: string
  assignments: TopicPartition[]
}

export interface ConsumerGroup {
  id: string
  // A classic group with no protocol type: offsets committed without a membership (assign + commit, admin tools).
  isSimple: boolean
  partitionAssignor: string
  // Kafka's group state in Java's constant style: STABLE, EMPTY, PREPARING_REBALANCE, ASSIGNING, ...
  state: string
  type: 'CLASSIC' | 'CONSUMER'
  // A consumer-protocol group with members still speaking the classic protocol (an upgrade in progress).
  isMixed: boolean
  coordinatorId: number
  members: GroupMember[]
}

export interface ConsumerLag extends TopicPartition {
  // "" (and instanceId null) when no member owns the partition.
  consumerId: string
  instanceId: string | null
  clientId: string
  currentOffset: bigint
  logEndOffset: bigint
  // logEndOffset - currentOffset; negative when the committed offset is past the (read-committed) end.
  lag: bigint
}

export interface LagSummary {
  // The partition with the largest lag (first in topic/partition order on ties).
  max: ConsumerLag
  // Per-partition lags clamped at 0, summed.
  totalLag: bigint
}

// Where a reset moves a group's committed offset for a partition.
export type OffsetTarget =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'timestamp'; timestamp: number }
  | { kind: 'offset'; offset: bigint }

// One line of an offset reset request: one partition, or every partition of the topic when partition is absent.
export interface OffsetResetEntry {
  topic: string
  partition?: number
  target: OffsetTarget
}

export interface OffsetChange extends TopicPartition {
  previousOffset: bigint | null
  offset: bigint
}

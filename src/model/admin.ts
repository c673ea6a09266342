// Plain data of the admin operations: config resources and changes, topic creation, reassignments.
import { type RestError } from '../errors/rest-error.ts'

// What a config belongs to. `cluster` is the dynamic cluster-wide default of every broker (Kafka's broker
// resource with the empty name).
export type ConfigResource =
  { kind: 'topic'; topic: string } | { kind: 'broker'; brokerId: number } | { kind: 'cluster' }

export const configOperations = ['SET', 'DELETE'] as const
export type ConfigOperation = (typeof configOperations)[number]

// One incremental change: SET a value (null is passed to Kafka, which refuses it) or DELETE (back to default).
export interface ConfigChange {
  name: string
  value: string | null
  operation: ConfigOperation
}

export interface NewTopic {
  name: string
  // null: the broker's default (num.partitions, default.replication.factor).
  partitionsCount: number | null
  replicationFactor: number | null
  // partition → broker ids; when present it decides both counts.
  assignments: { partition: number; brokers: number[] }[] | null
  configs: { name: string; value: string | null }[]
}

// A topic as Kafka describes it right after CreateTopics (also for a dry run).
export interface TopicSummary {
  name: string
  isInternal: boolean
  partitionsCount: number
  replicationFactor: number
}

// An ongoing partition reassignment (KIP-455): `replicas` is the full set, target plus replicas being removed.
export interface Reassignment {
  topic: string
  partition: number
  replicas: number[]
  addingReplicas: number[]
  removingReplicas: number[]
}

// A per-topic failure of a multi-topic config change.
export interface TopicFailure {
  topic: string
  error: RestError
}

// One replica with the partition it belongs to (the replica resources and the replicas of a broker).
export interface PartitionReplica {
  topic: string
  partition: number
  brokerId: number
  isLeader: boolean
  inSync: boolean
}

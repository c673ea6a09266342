// Plain data shared by every layer. Offsets are bigint end to end: Kafka offsets are int64.

export interface Broker {
  id: number
  host: string
  port: number
  rack: string | null
}

export interface Cluster {
  id: string
  controllerId: number | null
  brokers: Broker[]
}

export interface Replica {
  brokerId: number
  isLeader: boolean
  inSync: boolean
}

export interface Partition {
  topic: string
  id: number
  leader: number | null
  replicas: Replica[]
}

export interface Topic {
  name: string
  isInternal: boolean
  partitions: Partition[]
}

export interface PartitionOffsets {
  earliest: bigint
  latest: bigint
}

export interface ConfigEntry {
  name: string
  value: string | null
  isDefault: boolean
  isReadOnly: boolean
  isSensitive: boolean
  source: string
  synonyms: { name: string; value: string | null; source: string }[]
}

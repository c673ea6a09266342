// Committing and reading a group's offsets with the raw OffsetCommit / OffsetFetch APIs. The client's own
// commit() drops the per-partition metadata string and needs a group generation; v2 consumers commit
// metadata, and a manually assigned instance commits as a "simple" consumer (generation -1, no member id),
// which the coordinator accepts while the group has no active members.
import { type Consumer, kGetApi, kGetConnection } from '@platformatic/kafka'
import { errorNameOf } from './errors.ts'
import { type CommittedOffset, type PartitionOffset, type TopicPartition } from '../model/consumer.ts'

type Callback<T> = (error: Error | null, value?: T) => void
interface Internals {
  [kGetConnection](broker: unknown, cb: Callback<unknown>): void
  [kGetApi](name: string, cb: Callback<RawApi>): void
}
type RawApi = ((...args: unknown[]) => void) & { version: number }

interface CommitResponse {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[]
}
interface FetchResponse {
  groups: {
    errorCode: number
    topics: {
      name: string
      partitions: { partitionIndex: number; committedOffset: bigint; metadata: string | null; errorCode: number }[]
    }[]
  }[]
}

// A broker-side error code inside an otherwise successful response, thrown in the client's own shape so
// toRestError maps it like any other protocol error.
export class PartitionError extends Error {
  readonly code = 'PLT_KFK_PROTOCOL'
  readonly apiId: string
  constructor(apiId: string, where: string) {
    super(`${apiId} for ${where}`)
    this.apiId = apiId
  }
}

function call<T>(consumer: Consumer, api: string, args: unknown[]): Promise<T> {
  const internals = consumer as unknown as Internals
  return new Promise<T>((resolve, reject) => {
    consumer.findGroupCoordinator((error, coordinatorId) => {
      if (error) return reject(error)
      consumer.metadata({ topics: [] }, (error, metadata) => {
        if (error) return reject(error)
        internals[kGetConnection](metadata!.brokers.get(coordinatorId!), (error, connection) => {
          if (error) return reject(error)
          internals[kGetApi](api, (error, fn) => {
            if (error || !fn) return reject(error ?? new Error(`${api} API unavailable`))
            fn(connection, ...args, (error: (Error & { response?: T }) | null, response: T) => {
              if (error && !error.response) return reject(error)
              resolve(error?.response ?? response)
            })
          })
        })
      })
    })
  })
}

function byTopic<T extends TopicPartition, R>(items: readonly T[], map: (item: T) => R): Map<string, R[]> {
  const topics = new Map<string, R[]>()
  for (const item of items) {
    let list = topics.get(item.topic)
    if (!list) topics.set(item.topic, (list = []))
    list.push(map(item))
  }
  return topics
}

export async function commitOffsets(
  consumer: Consumer,
  member: { generationId: number; memberId: string },
  offsets: readonly PartitionOffset[]
): Promise<void> {
  if (offsets.length === 0) return
  const topics = [
    ...byTopic(offsets, o => ({
      partitionIndex: o.partition,
      committedOffset: o.offset,
      committedLeaderEpoch: -1,
      committedMetadata: o.metadata ?? ''
    }))
  ].map(([name, partitions]) => ({ name, partitions }))
  const response = await call<CommitResponse>(consumer, 'OffsetCommit', [
    consumer.groupId,
    member.generationId,
    member.memberId,
    null,
    topics
  ])
  for (const topic of response.topics) {
    for (const p of topic.partitions) {
      if (p.errorCode !== 0) throw new PartitionError(errorNameOf(p.errorCode), `${topic.name}-${p.partitionIndex}`)
    }
  }
}

// The group's committed offsets of `partitions`; partitions without a commit are left out.
export async function fetchCommitted(
  consumer: Consumer,
  partitions: readonly TopicPartition[]
): Promise<CommittedOffset[]> {
  if (partitions.length === 0) return []
  const topics = [...byTopic(partitions, p => p.partition)].map(([name, partitionIndexes]) => ({
    name,
    partitionIndexes
  }))
  const response = await call<FetchResponse>(consumer, 'OffsetFetch', [
    [{ groupId: consumer.groupId, memberId: null, memberEpoch: -1, topics }],
    false
  ])
  const out: CommittedOffset[] = []
  for (const group of response.groups) {
    if (group.errorCode !== 0) throw new PartitionError(errorNameOf(group.errorCode), `group ${consumer.groupId}`)
    for (const topic of group.topics) {
      for (const p of topic.partitions) {
        if (p.errorCode !== 0) throw new PartitionError(errorNameOf(p.errorCode), `${topic.name}-${p.partitionIndex}`)
        if (p.committedOffset >= 0n) {
          out.push({
            topic: topic.name,
            partition: p.partitionIndex,
            offset: p.committedOffset,
            metadata: p.metadata ?? ''
          })
        }
      }
    }
  }
  return out
}

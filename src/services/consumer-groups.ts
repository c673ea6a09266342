// Read-only consumer group resources (groups, consumers, assignments, lags, lag summary), version-neutral.
// Existence checks and their exact 404 texts follow kafka-rest's managers, which differ per resource:
// the group itself "HTTP 404 Not Found", its consumers "Consumer Group G does not exist.", its lags
// "Consumer Group G could not be found.". A group the principal may not describe counts as missing, as upstream.
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { type GroupsFacade, offsetKey } from '../kafka/groups.ts'
import { type Cluster } from '../model/cluster.ts'
import {
  type ConsumerGroup,
  type ConsumerLag,
  type GroupMember,
  type LagSummary,
  type TopicPartition
} from '../model/consumer-group.ts'
import { compareTopicPartition, consumerLags, lagSummary } from './lags.ts'

export interface ConsumerGroupService {
  // Consumer groups of both protocols, sorted by id.
  list(clusterId: string): Promise<ConsumerGroup[]>
  get(clusterId: string, groupId: string): Promise<ConsumerGroup>
  // Sorted by consumer id.
  consumers(clusterId: string, groupId: string): Promise<GroupMember[]>
  consumer(clusterId: string, groupId: string, consumerId: string): Promise<GroupMember>
  // Sorted by topic, partition.
  assignments(clusterId: string, groupId: string, consumerId: string): Promise<TopicPartition[]>
  assignment(
    clusterId: string,
    groupId: string,
    consumerId: string,
    topic: string,
    partition: number
  ): Promise<TopicPartition>
  // Sorted by lag descending, then topic, partition.
  lags(clusterId: string, groupId: string): Promise<ConsumerLag[]>
  lag(clusterId: string, groupId: string, topic: string, partition: number): Promise<ConsumerLag>
  lagSummary(clusterId: string, groupId: string): Promise<LagSummary>
}

const notFound = (message?: string) => new RestError(errors.notFound, message)

export function createConsumerGroupService(
  cluster: () => Promise<Cluster>,
  groups: GroupsFacade
): ConsumerGroupService {
  const requireCluster = async (clusterId: string) => {
    if ((await cluster()).id !== clusterId) throw notFound(`Cluster ${clusterId} could not be found.`)
  }

  const find = async (clusterId: string, groupId: string): Promise<ConsumerGroup | undefined> => {
    await requireCluster(clusterId)
    const lookup = (await groups.describe([groupId])).get(groupId)
    return lookup && 'found' in lookup ? lookup.found : undefined
  }

  const consumers = async (clusterId: string, groupId: string) => {
    const group = await find(clusterId, groupId)
    if (!group) throw notFound(`Consumer Group ${groupId} does not exist.`)
    return [...group.members].sort((a, b) => (a.consumerId < b.consumerId ? -1 : a.consumerId > b.consumerId ? 1 : 0))
  }

  const consumer = async (clusterId: string, groupId: string, consumerId: string) => {
    const member = (await consumers(clusterId, groupId)).find(m => m.consumerId === consumerId)
    if (!member) throw notFound()
    return member
  }

  const assignments = async (clusterId: string, groupId: string, consumerId: string) => {
    const member = (await consumers(clusterId, groupId)).find(m => m.consumerId === consumerId)
    if (!member) throw notFound(`Consumer ${consumerId} does not exist.`)
    return [...member.assignments].sort(compareTopicPartition)
  }

  // Lags of every partition with a committed offset, against the read-committed log end offset.
  const lags = async (clusterId: string, groupId: string) => {
    const group = await find(clusterId, groupId)
    if (!group) throw notFound(`Consumer Group ${groupId} could not be found.`)
    const committed = await groups.committedOffsets(groupId)
    if (committed.length === 0) throw notFound('Consumer group offsets could not be found.')
    const ends = await groups.offsets(committed, 'latest', true)
    return consumerLags(group, committed, (topic, partition) => ends.get(offsetKey(topic, partition)))
  }

  return {
    async list(clusterId) {
      await requireCluster(clusterId)
      const ids = await groups.list()
      const described = await groups.describe(ids)
      return [...described.values()]
        .flatMap(lookup => ('found' in lookup ? [lookup.found] : []))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    },
    async get(clusterId, groupId) {
      const group = await find(clusterId, groupId)
      if (!group) throw notFound()
      return group
    },
    consumers,
    consumer,
    assignments,
    async assignment(clusterId, groupId, consumerId, topic, partition) {
      const found = (await assignments(clusterId, groupId, consumerId)).find(
        a => a.topic === topic && a.partition === partition
      )
      if (!found) throw notFound()
      return found
    },
    async lags(clusterId, groupId) {
      const all = await lags(clusterId, groupId)
      if (all.length === 0) throw notFound('Consumer lags not found.')
      return all
    },
    async lag(clusterId, groupId, topic, partition) {
      const found = (await lags(clusterId, groupId)).find(l => l.topic === topic && l.partition === partition)
      if (!found) throw notFound()
      return found
    },
    async lagSummary(clusterId, groupId) {
      const summary = lagSummary(await lags(clusterId, groupId))
      if (!summary) throw notFound()
      return summary
    }
  }
}

// Version-neutral reads of cluster metadata: the one service behind the v2 and v3 cluster, broker, topic
// and partition resources. Existence checks live here so both API versions answer the same way.
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { type AdminFacade } from '../kafka/admin.ts'
import {
  type Broker,
  type Cluster,
  type ConfigEntry,
  type Partition,
  type PartitionOffsets,
  type Topic
} from '../model/cluster.ts'

export interface MetadataService {
  cluster(): Promise<Cluster>
  // The cluster, if `clusterId` names it; 404 "Cluster X cannot be found." otherwise.
  requireCluster(clusterId: string): Promise<Cluster>
  broker(clusterId: string, brokerId: number): Promise<{ cluster: Cluster; broker: Broker }>
  // Non-internal topics sorted by name.
  listTopics(): Promise<Topic[]>
  // 404/40403 when the topic does not exist (internal topics included).
  topic(name: string): Promise<Topic>
  topicConfigs(name: string): Promise<ConfigEntry[]>
  // null when the topic exists but the partition does not.
  partition(topic: string, partition: number): Promise<Partition | null>
  // 404/40402 when the partition does not exist.
  partitionOffsets(topic: string, partition: number): Promise<PartitionOffsets>
}

export function createMetadataService(admin: AdminFacade): MetadataService {
  const requireCluster = async (clusterId: string) => {
    const cluster = await admin.cluster()
    if (cluster.id !== clusterId) throw new RestError(errors.notFound, `Cluster ${clusterId} cannot be found.`)
    return cluster
  }

  const topic = async (name: string) => {
    const [found] = await admin.topics([name])
    if (!found) throw new RestError(errors.unknownTopicOrPartition)
    return found
  }

  const partition = async (topicName: string, id: number) =>
    (await topic(topicName)).partitions.find(p => p.id === id) ?? null

  return {
    cluster: () => admin.cluster(),
    requireCluster,
    async broker(clusterId, brokerId) {
      const cluster = await requireCluster(clusterId)
      const broker = cluster.brokers.find(b => b.id === brokerId)
      if (!broker) throw new RestError(errors.notFound)
      return { cluster, broker }
    },
    async listTopics() {
      const topics = await admin.topics()
      return topics.filter(t => !t.isInternal).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    },
    topic,
    async topicConfigs(name) {
      await topic(name)
      return admin.topicConfigs(name)
    },
    partition,
    async partitionOffsets(topicName, id) {
      if (!(await partition(topicName, id))) throw new RestError(errors.partitionNotFound)
      const offsets = (await admin.offsets(topicName, [id])).get(id)
      if (!offsets) throw new RestError(errors.partitionNotFound)
      return offsets
    }
  }
}

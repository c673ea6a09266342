// Version-neutral topic administration: create (or dry-run), delete, and increase the partition count.
// Kafka's own checks decide the errors (exists, replication factor, partition count, authorization).
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { type AdminFacade } from '../kafka/admin.ts'
import { type TopicsAdmin } from '../kafka/topics-admin.ts'
import { type NewTopic, type TopicSummary } from '../model/admin.ts'
import { type Topic } from '../model/cluster.ts'
import { type MetadataService } from './metadata.ts'

export interface TopicAdminService {
  createTopic(clusterId: string, topic: NewTopic, validateOnly: boolean): Promise<TopicSummary>
  deleteTopic(clusterId: string, name: string): Promise<void>
  // The topic after the increase.
  increasePartitions(clusterId: string, name: string, count: number): Promise<Topic>
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

export function createTopicAdminService(
  metadata: MetadataService,
  admin: AdminFacade,
  topics: TopicsAdmin
): TopicAdminService {
  return {
    async createTopic(clusterId, topic, validateOnly) {
      await metadata.requireCluster(clusterId)
      return topics.create(topic, validateOnly)
    },
    async deleteTopic(clusterId, name) {
      await metadata.requireCluster(clusterId)
      await topics.delete(name)
    },
    async increasePartitions(clusterId, name, count) {
      await metadata.requireCluster(clusterId)
      await topics.increasePartitions(name, count)
      // The controller has the new partitions; the broker answering Metadata may learn of them a moment
      // later. Wait briefly so the answer shows the count the client asked for.
      for (let attempt = 0; ; attempt++) {
        const [topic] = await admin.topics([name])
        if (!topic) throw new RestError(errors.unknownTopicOrPartition)
        if (topic.partitions.length >= count || attempt === 20) return topic
        await sleep(50)
      }
    }
  }
}

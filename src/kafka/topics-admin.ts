// Topic creation, deletion and partition increases. CreateTopics goes through protocol.ts: the high-level
// Admin has no validate_only, and the raw response carries what Kafka decided for defaulted counts.
import { type NewTopic, type TopicSummary } from '../model/admin.ts'
import { type KafkaClients } from './clients.ts'
import { callApi } from './protocol.ts'

interface CreateTopicsResponse {
  topics: { name: string; numPartitions: number; replicationFactor: number }[]
}

// CreateTopics wants -1 for "broker default", and -1 for both counts whenever assignments are given.
export function createTopicsRequest(topic: NewTopic) {
  const assigned = topic.assignments !== null
  return {
    name: topic.name,
    numPartitions: assigned ? -1 : (topic.partitionsCount ?? -1),
    replicationFactor: assigned ? -1 : (topic.replicationFactor ?? -1),
    assignments: (topic.assignments ?? []).map(a => ({ partitionIndex: a.partition, brokerIds: a.brokers })),
    configs: topic.configs
  }
}

export class TopicsAdmin {
  readonly #clients: KafkaClients

  constructor(clients: KafkaClients) {
    this.#clients = clients
  }

  // Creates the topic (or only validates it) and returns it as Kafka describes it. Kafka's per-topic errors
  // (exists, bad replication factor, not authorized...) reject with their own code and message.
  async create(topic: NewTopic, validateOnly: boolean): Promise<TopicSummary> {
    const timeoutMs = this.#clients.operationTimeoutMs
    const response = await this.#clients.bounded('create topic', admin =>
      callApi<CreateTopicsResponse>(admin, 'CreateTopics', 'any', [
        [createTopicsRequest(topic)],
        timeoutMs,
        validateOnly
      ])
    )
    const created = response.topics[0]
    return {
      name: topic.name,
      isInternal: false,
      partitionsCount: created?.numPartitions ?? topic.partitionsCount ?? 0,
      replicationFactor: created?.replicationFactor ?? topic.replicationFactor ?? 0
    }
  }

  async delete(name: string): Promise<void> {
    await this.#clients.bounded('delete topic', admin => admin.deleteTopics({ topics: [name] }))
  }

  // Raw as well: the high-level createPartitions() deduplicates concurrent calls under one key regardless of
  // the topic, so a second PATCH arriving meanwhile would get the first one's result.
  async increasePartitions(name: string, count: number): Promise<void> {
    const timeoutMs = this.#clients.operationTimeoutMs
    await this.#clients.bounded('create partitions', admin =>
      callApi(admin, 'CreatePartitions', 'any', [[{ name, count, assignments: null }], timeoutMs, false])
    )
  }
}

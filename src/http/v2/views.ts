// Model → v2 JSON. Field names and order follow Confluent's v2 entities exactly.
import { type ConfigEntry, type Partition, type PartitionOffsets, type Topic } from '../../model/cluster.ts'

export const partitionView = (p: Partition) => ({
  partition: p.id,
  leader: p.leader ?? -1,
  replicas: p.replicas.map(r => ({ broker: r.brokerId, leader: r.isLeader, in_sync: r.inSync }))
})

export const topicView = (topic: Topic, configs: ConfigEntry[]) => ({
  name: topic.name,
  configs: Object.fromEntries(configs.map(c => [c.name, c.value])),
  partitions: topic.partitions.map(partitionView)
})

// Offsets are int64 in Kafka; JSON numbers hold them exactly below 2^53, far beyond any real log.
export const offsetsView = (o: PartitionOffsets) => ({
  beginning_offset: Number(o.earliest),
  end_offset: Number(o.latest)
})

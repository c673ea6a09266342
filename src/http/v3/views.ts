// Model → v3 JSON: the kind/metadata envelope, then the entity fields, then relationships (URLs, never
// embedded objects), as in Confluent's v3 entities.
import { type TopicSummary } from '../../model/admin.ts'
import { type Broker, type Cluster, type Partition, type PartitionOffsets, type Topic } from '../../model/cluster.ts'
import { type Links, related } from './urls.ts'

export function collection<T>(kind: string, self: string, data: T[]) {
  return { kind, metadata: { self, next: null }, data }
}

export function clusterView(l: Links, c: Cluster) {
  const cid = c.id
  return {
    kind: 'KafkaCluster',
    metadata: { self: l.url('clusters', cid), resource_name: l.crn(['kafka', cid]) },
    cluster_id: cid,
    controller: c.controllerId === null ? null : related(l.url('clusters', cid, 'brokers', c.controllerId)),
    acls: related(l.url('clusters', cid, 'acls')),
    brokers: related(l.url('clusters', cid, 'brokers')),
    broker_configs: related(l.url('clusters', cid, 'broker-configs')),
    consumer_groups: related(l.url('clusters', cid, 'consumer-groups')),
    topics: related(l.url('clusters', cid, 'topics')),
    partition_reassignments: related(l.url('clusters', cid, 'topics', '-', 'partitions', '-', 'reassignment'))
  }
}

export function brokerView(l: Links, cid: string, b: Broker) {
  return {
    kind: 'KafkaBroker',
    metadata: { self: l.url('clusters', cid, 'brokers', b.id), resource_name: l.crn(['kafka', cid], ['broker', b.id]) },
    cluster_id: cid,
    broker_id: b.id,
    host: b.host,
    port: b.port,
    rack: b.rack,
    configs: related(l.url('clusters', cid, 'brokers', b.id, 'configs')),
    partition_replicas: related(l.url('clusters', cid, 'brokers', b.id, 'partition-replicas'))
  }
}

export function topicView(l: Links, cid: string, t: Topic) {
  return topicSummaryView(l, cid, {
    name: t.name,
    isInternal: t.isInternal,
    partitionsCount: t.partitions.length,
    replicationFactor: t.partitions[0]?.replicas.length ?? 0
  })
}

// A topic known by its counts only (as CreateTopics answers).
export function topicSummaryView(l: Links, cid: string, t: TopicSummary) {
  const base = ['clusters', cid, 'topics', t.name] as const
  return {
    kind: 'KafkaTopic',
    metadata: { self: l.url(...base), resource_name: l.crn(['kafka', cid], ['topic', t.name]) },
    cluster_id: cid,
    topic_name: t.name,
    is_internal: t.isInternal,
    replication_factor: t.replicationFactor,
    partitions_count: t.partitionsCount,
    partitions: related(l.url(...base, 'partitions')),
    configs: related(l.url(...base, 'configs')),
    partition_reassignments: related(l.url(...base, 'partitions', '-', 'reassignment')),
    authorized_operations: [] as string[]
  }
}

export function partitionView(l: Links, cid: string, p: Partition) {
  const base = ['clusters', cid, 'topics', p.topic, 'partitions', p.id] as const
  return {
    kind: 'KafkaPartition',
    metadata: {
      self: l.url(...base),
      resource_name: l.crn(['kafka', cid], ['topic', p.topic], ['partition', p.id])
    },
    cluster_id: cid,
    topic_name: p.topic,
    partition_id: p.id,
    leader: p.leader === null ? null : related(l.url(...base, 'replicas', p.leader)),
    replicas: related(l.url(...base, 'replicas')),
    reassignment: related(l.url(...base, 'reassignment'))
  }
}

export function partitionOffsetsView(l: Links, cid: string, topic: string, partition: number, o: PartitionOffsets) {
  return {
    kind: 'KafkaPartitionWithOffsets',
    metadata: {
      self: l.url('clusters', cid, 'topics', topic, 'partitions', partition, 'offset'),
      resource_name: l.crn(
        ['kafka', cid],
        ['topic', topic],
        ['partition', partition],
        ['offset_type', 'earliest_and_latest']
      )
    },
    cluster_id: cid,
    topic_name: topic,
    partition_id: partition,
    earliest_offset: Number(o.earliest),
    latest_offset: Number(o.latest)
  }
}

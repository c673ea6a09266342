// Replicas and ongoing reassignments → v3 JSON.
import { type PartitionReplica, type Reassignment } from '../../model/admin.ts'
import { type Links, related } from './urls.ts'

export function replicaView(l: Links, cid: string, r: PartitionReplica) {
  return {
    kind: 'KafkaReplica',
    metadata: {
      self: l.url('clusters', cid, 'topics', r.topic, 'partitions', r.partition, 'replicas', r.brokerId),
      resource_name: l.crn(['kafka', cid], ['topic', r.topic], ['partition', r.partition], ['replica', r.brokerId])
    },
    cluster_id: cid,
    topic_name: r.topic,
    partition_id: r.partition,
    broker_id: r.brokerId,
    is_leader: r.isLeader,
    is_in_sync: r.inSync,
    broker: related(l.url('clusters', cid, 'brokers', r.brokerId))
  }
}

// Confluent names a reassignment `.../partitions/{p}/reassignment` when it is fetched alone but
// `.../reassignments` (self URL and CRN, whose last segment has no id) inside the two list responses.
export function reassignmentView(l: Links, cid: string, r: Reassignment, inList: boolean) {
  const segment = inList ? 'reassignments' : 'reassignment'
  const partition = ['clusters', cid, 'topics', r.topic, 'partitions', r.partition] as const
  return {
    kind: 'KafkaReassignment',
    metadata: {
      self: l.url(...partition, segment),
      resource_name: `${l.crn(['kafka', cid], ['topic', r.topic], ['partition', r.partition])}/${segment}`
    },
    cluster_id: cid,
    topic_name: r.topic,
    partition_id: r.partition,
    adding_replicas: r.addingReplicas,
    removing_replicas: r.removingReplicas,
    replicas: related(l.url(...partition, 'replicas'))
  }
}

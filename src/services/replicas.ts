// Version-neutral reads of replicas and ongoing reassignments. Replicas come from cluster metadata (a broker's
// replicas are every partition that lists it, internal topics included); reassignments from the controller.
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { type AdminFacade } from '../kafka/admin.ts'
import { type ReassignmentsAdmin } from '../kafka/reassignments.ts'
import { type PartitionReplica, type Reassignment } from '../model/admin.ts'
import { type Partition, type Topic } from '../model/cluster.ts'
import { type MetadataService } from './metadata.ts'

export interface ReplicaService {
  // In Kafka's replica order. 40403 unknown topic, 404 unknown partition.
  replicas(clusterId: string, topic: string, partition: number): Promise<PartitionReplica[]>
  replica(clusterId: string, topic: string, partition: number, brokerId: number): Promise<PartitionReplica>
  // Sorted by topic and partition; 404 for an unknown broker.
  brokerReplicas(clusterId: string, brokerId: number): Promise<PartitionReplica[]>
  // Ongoing reassignments sorted by topic and partition (none for an unknown topic, as upstream).
  reassignments(clusterId: string, topic?: string): Promise<Reassignment[]>
  // 404 when the partition has no ongoing reassignment.
  reassignment(clusterId: string, topic: string, partition: number): Promise<Reassignment>
}

export const partitionReplicas = (p: Partition): PartitionReplica[] =>
  p.replicas.map(r => ({ topic: p.topic, partition: p.id, ...r }))

// The replicas a broker holds, sorted by topic then partition.
export function replicasOnBroker(topics: Topic[], brokerId: number): PartitionReplica[] {
  return topics
    .flatMap(t => t.partitions.flatMap(partitionReplicas))
    .filter(r => r.brokerId === brokerId)
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
}

export function createReplicaService(
  metadata: MetadataService,
  admin: AdminFacade,
  reassignments: ReassignmentsAdmin
): ReplicaService {
  const replicas = async (clusterId: string, topic: string, partition: number) => {
    await metadata.requireCluster(clusterId)
    const found = await metadata.partition(topic, partition)
    if (!found) {
      throw new RestError(
        errors.notFound,
        `Partition ${partition} of topic ${topic} could not be found on cluster ${clusterId}.`
      )
    }
    return partitionReplicas(found)
  }

  const ongoing = async (clusterId: string, topic?: string) => {
    await metadata.requireCluster(clusterId)
    const all = await reassignments.list()
    return topic === undefined ? all : all.filter(r => r.topic === topic)
  }

  return {
    replicas,
    async replica(clusterId, topic, partition, brokerId) {
      const found = (await replicas(clusterId, topic, partition)).find(r => r.brokerId === brokerId)
      if (!found) throw new RestError(errors.notFound)
      return found
    },
    async brokerReplicas(clusterId, brokerId) {
      const cluster = await metadata.requireCluster(clusterId)
      if (!cluster.brokers.some(b => b.id === brokerId)) {
        throw new RestError(errors.notFound, `Broker ${brokerId} cannot be found.`)
      }
      return replicasOnBroker(await admin.topics(), brokerId)
    },
    reassignments: ongoing,
    async reassignment(clusterId, topic, partition) {
      const found = (await ongoing(clusterId, topic)).find(r => r.partition === partition)
      if (!found) throw new RestError(errors.notFound)
      return found
    }
  }
}

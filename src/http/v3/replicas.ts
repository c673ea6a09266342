// v3 replicas and partition reassignments (application/json):
//   GET /v3/clusters/{c}/topics/{t}/partitions/{p}/replicas             200 KafkaReplicaList (Kafka's order);
//       404 "Partition P of topic T could not be found on cluster C."; unknown topic 404/40403
//   GET /v3/clusters/{c}/topics/{t}/partitions/{p}/replicas/{b}         200 KafkaReplica; 404 no replica there
//   GET /v3/clusters/{c}/brokers/{b}/partition-replicas                 200 KafkaReplicaList (by topic, partition);
//       404 "Broker B cannot be found."
//   GET /v3/clusters/{c}/topics/-/partitions/-/reassignment             200 KafkaReassignmentList (ongoing only)
//   GET /v3/clusters/{c}/topics/{t}/partitions/-/reassignment           200 KafkaReassignmentList of the topic
//   GET /v3/clusters/{c}/topics/{t}/partitions/{p}/reassignment         200 KafkaReassignment; 404 when none
//       is ongoing
// The list responses name their items (and themselves) `.../reassignments`, as Confluent's code does.
import { type FastifyInstance, type FastifyRequest } from 'fastify'
import { intParam } from '../params.ts'
import { reassignmentView, replicaView } from './replica-views.ts'
import { type Links } from './urls.ts'
import { collection } from './views.ts'

type ClusterParams = { Params: { cluster_id: string } }
type TopicParams = { Params: { cluster_id: string; topic_name: string } }
type PartitionParams = { Params: { cluster_id: string; topic_name: string; partition_id: string } }
type ReplicaParams = { Params: { cluster_id: string; topic_name: string; partition_id: string; broker_id: string } }
type BrokerParams = { Params: { cluster_id: string; broker_id: string } }

export function replicaRoutes(app: FastifyInstance, linksFor: (request: FastifyRequest) => Links): void {
  const { replicas } = app.services
  const topics = '/clusters/:cluster_id/topics'

  app.get<PartitionParams>(`${topics}/:topic_name/partitions/:partition_id/replicas`, async request => {
    const l = linksFor(request)
    const { cluster_id: cid, topic_name: topic } = request.params
    const partition = intParam(request.params.partition_id)
    const list = await replicas.replicas(cid, topic, partition)
    return collection(
      'KafkaReplicaList',
      l.url('clusters', cid, 'topics', topic, 'partitions', partition, 'replicas'),
      list.map(r => replicaView(l, cid, r))
    )
  })

  app.get<ReplicaParams>(`${topics}/:topic_name/partitions/:partition_id/replicas/:broker_id`, async request => {
    const { cluster_id: cid, topic_name: topic } = request.params
    const partition = intParam(request.params.partition_id)
    const brokerId = intParam(request.params.broker_id)
    return replicaView(linksFor(request), cid, await replicas.replica(cid, topic, partition, brokerId))
  })

  app.get<BrokerParams>('/clusters/:cluster_id/brokers/:broker_id/partition-replicas', async request => {
    const l = linksFor(request)
    const cid = request.params.cluster_id
    const brokerId = intParam(request.params.broker_id)
    const list = await replicas.brokerReplicas(cid, brokerId)
    return collection(
      'KafkaReplicaList',
      l.url('clusters', cid, 'brokers', brokerId, 'partition-replicas'),
      list.map(r => replicaView(l, cid, r))
    )
  })

  app.get<ClusterParams>(`${topics}/-/partitions/-/reassignment`, async request => {
    const l = linksFor(request)
    const cid = request.params.cluster_id
    const list = await replicas.reassignments(cid)
    return collection(
      'KafkaReassignmentList',
      l.url('clusters', cid, 'topics', '-', 'partitions', '-', 'reassignments'),
      list.map(r => reassignmentView(l, cid, r, true))
    )
  })

  app.get<TopicParams>(`${topics}/:topic_name/partitions/-/reassignment`, async request => {
    const l = linksFor(request)
    const { cluster_id: cid, topic_name: topic } = request.params
    const list = await replicas.reassignments(cid, topic)
    return collection(
      'KafkaReassignmentList',
      l.url('clusters', cid, 'topics', topic, 'partitions', '-', 'reassignments'),
      list.map(r => reassignmentView(l, cid, r, true))
    )
  })

  app.get<PartitionParams>(`${topics}/:topic_name/partitions/:partition_id/reassignment`, async request => {
    const { cluster_id: cid, topic_name: topic } = request.params
    const partition = intParam(request.params.partition_id)
    return reassignmentView(linksFor(request), cid, await replicas.reassignment(cid, topic, partition), false)
  })
}

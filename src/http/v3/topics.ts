// v3 topic and partition resources (application/json):
//   GET /v3/clusters/{c}/topics                                200 KafkaTopicList (sorted, internal topics excluded)
//   GET /v3/clusters/{c}/topics/{t}                            200 KafkaTopic      404/40403 unknown topic
//   GET /v3/clusters/{c}/topics/{t}/partitions                 200 KafkaPartitionList
//   GET /v3/clusters/{c}/topics/{t}/partitions/{p}             200 KafkaPartition  404 unknown partition
//   GET /v3/clusters/{c}/topics/{t}/partitions/{p}/offset      200 KafkaPartitionWithOffsets
//       ?offset_type=earliest_and_latest (the default and the only type; others 400); 404/40402 unknown partition
import { type FastifyInstance, type FastifyRequest } from 'fastify'
import { errors } from '../../errors/codes.ts'
import { RestError } from '../../errors/rest-error.ts'
import { intParam } from '../params.ts'
import { type Links } from './urls.ts'
import { collection, partitionOffsetsView, partitionView, topicView } from './views.ts'

type ClusterParams = { Params: { cluster_id: string } }
type TopicParams = { Params: { cluster_id: string; topic_name: string } }
type PartitionParams = { Params: { cluster_id: string; topic_name: string; partition_id: string } }
type OffsetQuery = { Querystring: { offset_type?: string } }

export function topicRoutes(app: FastifyInstance, linksFor: (request: FastifyRequest) => Links): void {
  const { metadata } = app.services
  const prefix = '/clusters/:cluster_id/topics'

  app.get<ClusterParams>(prefix, async request => {
    const l = linksFor(request)
    const { id } = await metadata.requireCluster(request.params.cluster_id)
    const topics = await metadata.listTopics()
    return collection(
      'KafkaTopicList',
      l.url('clusters', id, 'topics'),
      topics.map(t => topicView(l, id, t))
    )
  })

  app.get<TopicParams>(`${prefix}/:topic_name`, async request => {
    const { id } = await metadata.requireCluster(request.params.cluster_id)
    return topicView(linksFor(request), id, await metadata.topic(request.params.topic_name))
  })

  app.get<TopicParams>(`${prefix}/:topic_name/partitions`, async request => {
    const l = linksFor(request)
    const { id } = await metadata.requireCluster(request.params.cluster_id)
    const topic = await metadata.topic(request.params.topic_name)
    return collection(
      'KafkaPartitionList',
      l.url('clusters', id, 'topics', topic.name, 'partitions'),
      topic.partitions.map(p => partitionView(l, id, p))
    )
  })

  app.get<PartitionParams>(`${prefix}/:topic_name/partitions/:partition_id`, async request => {
    const partitionId = intParam(request.params.partition_id)
    const { id } = await metadata.requireCluster(request.params.cluster_id)
    const partition = await metadata.partition(request.params.topic_name, partitionId)
    if (!partition) throw new RestError(errors.notFound)
    return partitionView(linksFor(request), id, partition)
  })

  app.get<PartitionParams & OffsetQuery>(`${prefix}/:topic_name/partitions/:partition_id/offset`, async request => {
    const partitionId = intParam(request.params.partition_id)
    const offsetType = request.query.offset_type ?? 'earliest_and_latest'
    if (offsetType !== 'earliest_and_latest') {
      throw new RestError(
        errors.badRequest,
        `Bad Request: offset_type ${offsetType} is not supported; use earliest_and_latest.`
      )
    }
    const { id } = await metadata.requireCluster(request.params.cluster_id)
    const offsets = await metadata.partitionOffsets(request.params.topic_name, partitionId)
    return partitionOffsetsView(linksFor(request), id, request.params.topic_name, partitionId, offsets)
  })
}

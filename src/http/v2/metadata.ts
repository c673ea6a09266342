// v2 metadata resources (all answer application/vnd.kafka.v2+json):
//   GET  /                                         200 {}
//   POST /                                         200 {}            (body: JSON object; liveness no-op)
//   GET  /brokers                                  200 {"brokers":[1,2,3]}
//   GET  /topics                                   200 ["a","b"]     (internal topics excluded, sorted)
//   GET  /topics/{topic}                           200 topic         404/40403 unknown topic
//   GET  /topics/{topic}/partitions                200 [partition]   404/40403 unknown topic
//   GET  /topics/{topic}/partitions/{p}            200 partition     404/40402 unknown partition, 404 non-int p
//   GET  /topics/{topic}/partitions/{p}/offsets    200 {"beginning_offset","end_offset"}
import { type FastifyInstance } from 'fastify'
import { errors } from '../../errors/codes.ts'
import { RestError } from '../../errors/rest-error.ts'
import { mediaTypes } from '../media.ts'
import { intParam } from '../params.ts'
import { offsetsView, partitionView, topicView } from './views.ts'

type TopicParams = { Params: { topic: string } }
type PartitionParams = { Params: { topic: string; partition: string } }

export function metadataRoutes(app: FastifyInstance): void {
  const config = {
    produces: [{ type: mediaTypes.v2 }],
    consumes: [mediaTypes.v2, mediaTypes.json, mediaTypes.octetStream]
  }
  const { metadata } = app.services

  app.get('/', { config }, () => ({}))
  app.post('/', { config }, () => ({}))

  app.get('/brokers', { config }, async () => {
    const cluster = await metadata.cluster()
    return { brokers: cluster.brokers.map(b => b.id) }
  })

  app.get('/topics', { config }, async () => (await metadata.listTopics()).map(t => t.name))

  app.get<TopicParams>('/topics/:topic', { config }, async request => {
    const topic = await metadata.topic(request.params.topic)
    return topicView(topic, await metadata.topicConfigs(topic.name))
  })

  app.get<TopicParams>('/topics/:topic/partitions', { config }, async request =>
    (await metadata.topic(request.params.topic)).partitions.map(partitionView)
  )

  app.get<PartitionParams>('/topics/:topic/partitions/:partition', { config }, async request => {
    const partition = await metadata.partition(request.params.topic, intParam(request.params.partition))
    if (!partition) throw new RestError(errors.partitionNotFound)
    return partitionView(partition)
  })

  app.get<PartitionParams>('/topics/:topic/partitions/:partition/offsets', { config }, async request =>
    offsetsView(await metadata.partitionOffsets(request.params.topic, intParam(request.params.partition)))
  )
}

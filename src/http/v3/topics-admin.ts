// v3 topic administration (application/json):
//   POST   /v3/clusters/{c}/topics        CreateTopic body → 201 KafkaTopic + Location (the topic's URL);
//          validate_only → 200 KafkaTopic, nothing created. Empty body 422/42206, invalid name 422/42206,
//          {} 400; Kafka refusals (exists, replication factor, partitions, configs) 400/40002 with Kafka's text
//   PATCH  /v3/clusters/{c}/topics/{t}    {"partitions_count": N} → 200 KafkaTopic; N not above the current
//          count 400/40002; unknown topic 404/40403
//   DELETE /v3/clusters/{c}/topics/{t}    → 204; unknown topic 404/40403
// Not authorized (Kafka ACLs) → 403/40301 everywhere.
import { type FastifyInstance, type FastifyRequest } from 'fastify'
import { parseCreateTopic, parsePartitionsCount } from './admin-bodies.ts'
import { type Links } from './urls.ts'
import { topicSummaryView, topicView } from './views.ts'

type ClusterParams = { Params: { cluster_id: string } }
type TopicParams = { Params: { cluster_id: string; topic_name: string } }

export function topicAdminRoutes(app: FastifyInstance, linksFor: (request: FastifyRequest) => Links): void {
  const { topicAdmin } = app.services
  const prefix = '/clusters/:cluster_id/topics'

  app.post<ClusterParams>(prefix, async (request, reply) => {
    const { topic, validateOnly } = parseCreateTopic(request.body)
    const cid = request.params.cluster_id
    const created = await topicAdmin.createTopic(cid, topic, validateOnly)
    const view = topicSummaryView(linksFor(request), cid, created)
    if (validateOnly) return reply.code(200).send(view)
    return reply.code(201).header('location', view.metadata.self).send(view)
  })

  app.patch<TopicParams>(`${prefix}/:topic_name`, async request => {
    const count = parsePartitionsCount(request.body)
    const { cluster_id: cid, topic_name: name } = request.params
    return topicView(linksFor(request), cid, await topicAdmin.increasePartitions(cid, name, count))
  })

  app.delete<TopicParams>(`${prefix}/:topic_name`, async (request, reply) => {
    await topicAdmin.deleteTopic(request.params.cluster_id, request.params.topic_name)
    return reply.code(204).send()
  })
}

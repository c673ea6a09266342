// v3 topic configs (application/json):
//   GET    /v3/clusters/{c}/topics/{t}/configs              200 KafkaTopicConfigList (sorted by name)
//   GET    /v3/clusters/{c}/topics/-/configs                200 KafkaTopicConfigList of every non-internal topic
//   GET    /v3/clusters/{c}/topics/{t}/configs/{name}       200 KafkaTopicConfig; 404 unknown name
//   PUT    /v3/clusters/{c}/topics/{t}/configs/{name}       {"value": ...} → 204
//   DELETE /v3/clusters/{c}/topics/{t}/configs/{name}       → 204 (back to the default)
//   POST   /v3/clusters/{c}/topics/{t}/configs:alter        {"data":[{name, value, operation}], "validate_only"}
//          → 204 (validate_only: 204 and nothing changed)
//   POST   /v3/clusters/{c}/topics/-/configs:alter          {"data":[{topic_name, configs:[...]}], "validate_only"}
//          → 204, or 207 {"failures":[{topic_name, error_code, message}]} for topics Kafka refused
// Unknown topic 404/40403; a change naming a config the topic lacks 404 "Config N cannot be found for TOPIC t
// in cluster C."; invalid values 400/40002 with Kafka's text; empty body 422/42206; not authorized 403/40301.
import { type FastifyInstance, type FastifyRequest } from 'fastify'
import { type ConfigResource } from '../../model/admin.ts'
import { parseAlterBatch, parseAlterTopics, parseConfigValue } from './admin-bodies.ts'
import { topicConfigView } from './config-views.ts'
import { type Links } from './urls.ts'
import { collection } from './views.ts'

type ClusterParams = { Params: { cluster_id: string } }
type TopicParams = { Params: { cluster_id: string; topic_name: string } }
type ConfigParams = { Params: { cluster_id: string; topic_name: string; name: string } }

const topic = (name: string): ConfigResource => ({ kind: 'topic', topic: name })

export function topicConfigRoutes(app: FastifyInstance, linksFor: (request: FastifyRequest) => Links): void {
  const { configs } = app.services
  const prefix = '/clusters/:cluster_id/topics'

  app.get<ClusterParams>(`${prefix}/-/configs`, async request => {
    const l = linksFor(request)
    const cid = request.params.cluster_id
    const all = await configs.listAllTopics(cid)
    return collection(
      'KafkaTopicConfigList',
      l.url('clusters', cid, 'topics', '-', 'configs'),
      all.flatMap(t => t.configs.map(c => topicConfigView(l, cid, t.topic, c)))
    )
  })

  app.post<ClusterParams>(`${prefix}/-/configs::alter`, async (request, reply) => {
    const { entries, validateOnly } = parseAlterTopics(request.body)
    const failures = await configs.alterTopics(request.params.cluster_id, entries, validateOnly)
    if (failures.length === 0) return reply.code(204).send()
    return reply.code(207).send({
      failures: failures.map(f => ({ topic_name: f.topic, error_code: f.error.errorCode, message: f.error.message }))
    })
  })

  app.get<TopicParams>(`${prefix}/:topic_name/configs`, async request => {
    const l = linksFor(request)
    const { cluster_id: cid, topic_name: name } = request.params
    const list = await configs.list(cid, topic(name))
    return collection(
      'KafkaTopicConfigList',
      l.url('clusters', cid, 'topics', name, 'configs'),
      list.map(c => topicConfigView(l, cid, name, c))
    )
  })

  app.post<TopicParams>(`${prefix}/:topic_name/configs::alter`, async (request, reply) => {
    const { changes, validateOnly } = parseAlterBatch(request.body)
    await configs.alter(request.params.cluster_id, topic(request.params.topic_name), changes, validateOnly)
    return reply.code(204).send()
  })

  app.get<ConfigParams>(`${prefix}/:topic_name/configs/:name`, async request => {
    const { cluster_id: cid, topic_name: name } = request.params
    return topicConfigView(linksFor(request), cid, name, await configs.get(cid, topic(name), request.params.name))
  })

  app.put<ConfigParams>(`${prefix}/:topic_name/configs/:name`, async (request, reply) => {
    const value = parseConfigValue(request.body)
    const { cluster_id: cid, topic_name: name } = request.params
    await configs.update(cid, topic(name), request.params.name, value)
    return reply.code(204).send()
  })

  app.delete<ConfigParams>(`${prefix}/:topic_name/configs/:name`, async (request, reply) => {
    const { cluster_id: cid, topic_name: name } = request.params
    await configs.reset(cid, topic(name), request.params.name)
    return reply.code(204).send()
  })
}

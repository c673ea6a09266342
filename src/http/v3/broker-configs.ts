// v3 broker configs and dynamic cluster-wide broker defaults (application/json):
//   GET    /v3/clusters/{c}/brokers/-/configs                 200 KafkaBrokerConfigList of every broker
//   GET    /v3/clusters/{c}/brokers/{b}/configs               200 KafkaBrokerConfigList (sorted by name)
//   GET    /v3/clusters/{c}/brokers/{b}/configs/{name}        200 KafkaBrokerConfig; 404 unknown name
//   PUT    /v3/clusters/{c}/brokers/{b}/configs/{name}        {"value": ...} → 204 (a dynamic per-broker config)
//   DELETE /v3/clusters/{c}/brokers/{b}/configs/{name}        → 204 (the dynamic value removed)
//   POST   /v3/clusters/{c}/brokers/{b}/configs:alter         {"data":[{name, value, operation}]} → 204
//   GET    /v3/clusters/{c}/broker-configs                    200 KafkaClusterConfigList: only the dynamically
//          set cluster-wide defaults
//   GET    /v3/clusters/{c}/broker-configs/{name}             200 KafkaClusterConfig; 404 when not set
//   PUT    /v3/clusters/{c}/broker-configs/{name}             {"value": ...} → 204
//   DELETE /v3/clusters/{c}/broker-configs/{name}             → 204
//   POST   /v3/clusters/{c}/broker-configs:alter              {"data":[...]} → 204
// Unknown broker 404 ("Broker N cannot be found." for a well-formed id); a broker change naming an unknown
// config 404 "Config N cannot be found for BROKER b in cluster C."; read-only or invalid values 400/40002
// with Kafka's text; empty body 422/42206; not authorized 403/40301. validate_only is honoured here too.
import { type FastifyInstance, type FastifyRequest } from 'fastify'
import { type ConfigResource } from '../../model/admin.ts'
import { intParam } from '../params.ts'
import { parseAlterBatch, parseConfigValue } from './admin-bodies.ts'
import { brokerConfigView, clusterConfigView } from './config-views.ts'
import { type Links } from './urls.ts'
import { collection } from './views.ts'

type ClusterParams = { Params: { cluster_id: string } }
type BrokerParams = { Params: { cluster_id: string; broker_id: string } }
type BrokerConfigParams = { Params: { cluster_id: string; broker_id: string; name: string } }
type ClusterConfigParams = { Params: { cluster_id: string; name: string } }

const broker = (id: string): ConfigResource => ({ kind: 'broker', brokerId: intParam(id) })
const cluster: ConfigResource = { kind: 'cluster' }

export function brokerConfigRoutes(app: FastifyInstance, linksFor: (request: FastifyRequest) => Links): void {
  const { configs } = app.services
  const brokers = '/clusters/:cluster_id/brokers'
  const defaults = '/clusters/:cluster_id/broker-configs'

  app.get<ClusterParams>(`${brokers}/-/configs`, async request => {
    const l = linksFor(request)
    const cid = request.params.cluster_id
    const all = await configs.listAllBrokers(cid)
    return collection(
      'KafkaBrokerConfigList',
      l.url('clusters', cid, 'brokers', '-', 'configs'),
      all.flatMap(b => b.configs.map(c => brokerConfigView(l, cid, b.brokerId, c)))
    )
  })

  app.get<BrokerParams>(`${brokers}/:broker_id/configs`, async request => {
    const l = linksFor(request)
    const cid = request.params.cluster_id
    const id = intParam(request.params.broker_id)
    const list = await configs.list(cid, { kind: 'broker', brokerId: id })
    return collection(
      'KafkaBrokerConfigList',
      l.url('clusters', cid, 'brokers', id, 'configs'),
      list.map(c => brokerConfigView(l, cid, id, c))
    )
  })

  app.post<BrokerParams>(`${brokers}/:broker_id/configs::alter`, async (request, reply) => {
    const resource = broker(request.params.broker_id)
    const { changes, validateOnly } = parseAlterBatch(request.body)
    await configs.alter(request.params.cluster_id, resource, changes, validateOnly)
    return reply.code(204).send()
  })

  app.get<BrokerConfigParams>(`${brokers}/:broker_id/configs/:name`, async request => {
    const { cluster_id: cid, broker_id: id, name } = request.params
    const config = await configs.get(cid, broker(id), name)
    return brokerConfigView(linksFor(request), cid, intParam(id), config)
  })

  app.put<BrokerConfigParams>(`${brokers}/:broker_id/configs/:name`, async (request, reply) => {
    const resource = broker(request.params.broker_id)
    const value = parseConfigValue(request.body)
    await configs.update(request.params.cluster_id, resource, request.params.name, value)
    return reply.code(204).send()
  })

  app.delete<BrokerConfigParams>(`${brokers}/:broker_id/configs/:name`, async (request, reply) => {
    const { cluster_id: cid, broker_id: id, name } = request.params
    await configs.reset(cid, broker(id), name)
    return reply.code(204).send()
  })

  app.get<ClusterParams>(defaults, async request => {
    const l = linksFor(request)
    const cid = request.params.cluster_id
    const list = await configs.list(cid, cluster)
    return collection(
      'KafkaClusterConfigList',
      l.url('clusters', cid, 'broker-configs'),
      list.map(c => clusterConfigView(l, cid, c))
    )
  })

  app.post<ClusterParams>(`${defaults}::alter`, async (request, reply) => {
    const { changes, validateOnly } = parseAlterBatch(request.body)
    await configs.alter(request.params.cluster_id, cluster, changes, validateOnly)
    return reply.code(204).send()
  })

  app.get<ClusterConfigParams>(`${defaults}/:name`, async request => {
    const { cluster_id: cid, name } = request.params
    return clusterConfigView(linksFor(request), cid, await configs.get(cid, cluster, name))
  })

  app.put<ClusterConfigParams>(`${defaults}/:name`, async (request, reply) => {
    const value = parseConfigValue(request.body)
    await configs.update(request.params.cluster_id, cluster, request.params.name, value)
    return reply.code(204).send()
  })

  app.delete<ClusterConfigParams>(`${defaults}/:name`, async (request, reply) => {
    await configs.reset(request.params.cluster_id, cluster, request.params.name)
    return reply.code(204).send()
  })
}

// v3 cluster and broker resources (application/json):
//   GET /v3/clusters                          200 KafkaClusterList (exactly the one cluster behind bootstrap.servers)
//   GET /v3/clusters/{cluster_id}             200 KafkaCluster   404 "Cluster X cannot be found."
//   GET /v3/clusters/{c}/brokers              200 KafkaBrokerList
//   GET /v3/clusters/{c}/brokers/{broker_id}  200 KafkaBroker    404 unknown or non-integer broker id
import { type FastifyInstance, type FastifyRequest } from 'fastify'
import { intParam } from '../params.ts'
import { brokerView, clusterView, collection } from './views.ts'
import { type Links } from './urls.ts'

type ClusterParams = { Params: { cluster_id: string } }
type BrokerParams = { Params: { cluster_id: string; broker_id: string } }

export function clusterRoutes(app: FastifyInstance, linksFor: (request: FastifyRequest) => Links): void {
  const { metadata } = app.services

  app.get('/clusters', async request => {
    const l = linksFor(request)
    return collection('KafkaClusterList', l.url('clusters'), [clusterView(l, await metadata.cluster())])
  })

  app.get<ClusterParams>('/clusters/:cluster_id', async request =>
    clusterView(linksFor(request), await metadata.requireCluster(request.params.cluster_id))
  )

  app.get<ClusterParams>('/clusters/:cluster_id/brokers', async request => {
    const l = linksFor(request)
    const cluster = await metadata.requireCluster(request.params.cluster_id)
    return collection(
      'KafkaBrokerList',
      l.url('clusters', cluster.id, 'brokers'),
      cluster.brokers.map(b => brokerView(l, cluster.id, b))
    )
  })

  app.get<BrokerParams>('/clusters/:cluster_id/brokers/:broker_id', async request => {
    const brokerId = intParam(request.params.broker_id)
    const { cluster, broker } = await metadata.broker(request.params.cluster_id, brokerId)
    return brokerView(linksFor(request), cluster.id, broker)
  })
}

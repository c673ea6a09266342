// v3 consumer group resources, read-only as upstream (application/json). Prefix /v3/clusters/{c}/consumer-groups:
//   GET /                                                   200 KafkaConsumerGroupList (classic and consumer
//                                                               protocol groups, sorted by id)
//   GET /{g}                                                200 KafkaConsumerGroup        404 unknown group
//   GET /{g}/consumers                                      200 KafkaConsumerList (by consumer_id)
//   GET /{g}/consumers/{consumer}                           200 KafkaConsumer             404 unknown consumer
//   GET /{g}/consumers/{consumer}/assignments               200 KafkaConsumerAssignmentList (by topic, partition)
//   GET /{g}/consumers/{consumer}/assignments/{t}/partitions/{p}   200 KafkaConsumerAssignment
//   GET /{g}/lags                                           200 KafkaConsumerLagList (lag desc, topic, partition)
//   GET /{g}/lags/{t}/partitions/{p}                        200 KafkaConsumerLag          404 partition not in lags
//   GET /{g}/lag-summary                                    200 KafkaConsumerGroupLagSummary
// Every endpoint: 404 "Cluster C could not be found."; the group-level 404 texts are in services/consumer-groups.ts.
import { type FastifyInstance, type FastifyRequest } from 'fastify'
import { intParam } from '../params.ts'
import { assignmentView, consumerGroupView, consumerView, lagSummaryView, lagView } from './group-views.ts'
import { type Links } from './urls.ts'
import { collection } from './views.ts'

type GroupParams = { Params: { cluster_id: string; consumer_group_id: string } }
type ConsumerParams = { Params: GroupParams['Params'] & { consumer_id: string } }
type AssignmentParams = { Params: ConsumerParams['Params'] & { topic_name: string; partition_id: string } }
type LagParams = { Params: GroupParams['Params'] & { topic_name: string; partition_id: string } }

export function consumerGroupRoutes(app: FastifyInstance, linksFor: (request: FastifyRequest) => Links): void {
  const { consumerGroups } = app.services
  const prefix = '/clusters/:cluster_id/consumer-groups'
  const group = `${prefix}/:consumer_group_id`
  const consumer = `${group}/consumers/:consumer_id`

  app.get<{ Params: { cluster_id: string } }>(prefix, async request => {
    const l = linksFor(request)
    const cid = request.params.cluster_id
    const groups = await consumerGroups.list(cid)
    return collection(
      'KafkaConsumerGroupList',
      l.url('clusters', cid, 'consumer-groups'),
      groups.map(g => consumerGroupView(l, cid, g))
    )
  })

  app.get<GroupParams>(group, async request => {
    const { cluster_id: cid, consumer_group_id: gid } = request.params
    return consumerGroupView(linksFor(request), cid, await consumerGroups.get(cid, gid))
  })

  app.get<GroupParams>(`${group}/consumers`, async request => {
    const l = linksFor(request)
    const { cluster_id: cid, consumer_group_id: gid } = request.params
    const members = await consumerGroups.consumers(cid, gid)
    return collection(
      'KafkaConsumerList',
      l.url('clusters', cid, 'consumer-groups', gid, 'consumers'),
      members.map(m => consumerView(l, cid, gid, m))
    )
  })

  app.get<ConsumerParams>(consumer, async request => {
    const { cluster_id: cid, consumer_group_id: gid, consumer_id: id } = request.params
    return consumerView(linksFor(request), cid, gid, await consumerGroups.consumer(cid, gid, id))
  })

  app.get<ConsumerParams>(`${consumer}/assignments`, async request => {
    const l = linksFor(request)
    const { cluster_id: cid, consumer_group_id: gid, consumer_id: id } = request.params
    const assignments = await consumerGroups.assignments(cid, gid, id)
    return collection(
      'KafkaConsumerAssignmentList',
      l.url('clusters', cid, 'consumer-groups', gid, 'consumers', id, 'assignments'),
      assignments.map(a => assignmentView(l, cid, gid, id, a))
    )
  })

  app.get<AssignmentParams>(`${consumer}/assignments/:topic_name/partitions/:partition_id`, async request => {
    const { cluster_id: cid, consumer_group_id: gid, consumer_id: id, topic_name: topic } = request.params
    const partition = intParam(request.params.partition_id)
    const assignment = await consumerGroups.assignment(cid, gid, id, topic, partition)
    return assignmentView(linksFor(request), cid, gid, id, assignment)
  })

  app.get<GroupParams>(`${group}/lags`, async request => {
    const l = linksFor(request)
    const { cluster_id: cid, consumer_group_id: gid } = request.params
    const lags = await consumerGroups.lags(cid, gid)
    return collection(
      'KafkaConsumerLagList',
      l.url('clusters', cid, 'consumer-groups', gid, 'lags'),
      lags.map(lag => lagView(l, cid, gid, lag))
    )
  })

  app.get<LagParams>(`${group}/lags/:topic_name/partitions/:partition_id`, async request => {
    const { cluster_id: cid, consumer_group_id: gid, topic_name: topic } = request.params
    const partition = intParam(request.params.partition_id)
    return lagView(linksFor(request), cid, gid, await consumerGroups.lag(cid, gid, topic, partition))
  })

  app.get<GroupParams>(`${group}/lag-summary`, async request => {
    const { cluster_id: cid, consumer_group_id: gid } = request.params
    return lagSummaryView(linksFor(request), cid, gid, await consumerGroups.lagSummary(cid, gid))
  })
}

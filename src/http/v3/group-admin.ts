// Consumer group changes: our extensions beyond upstream kafka-rest (documented in README and served in
// /v3/openapi.yaml under the "Consumer Group Admin (extension)" tag). application/json.
//   DELETE /v3/clusters/{c}/consumer-groups/{g}                 204 (empty group deleted)
//          404 unknown group "Consumer Group G does not exist."   409/40903 the group has members
//   POST   /v3/clusters/{c}/consumer-groups/{g}/offsets:reset   body: see offset-reset-request.ts
//          200 {"cluster_id","consumer_group_id","validate_only","data":[{"topic_name","partition_id",
//               "previous_offset","offset"}]} sorted by topic, partition
//          400 bad entry or offset out of range   404 unknown group/topic (40403)/partition (40402)
//          409/40903 the group has members   422/42206 no body or no entries
// Both: 403/40301 when Kafka refuses the principal; 404 "Cluster C could not be found.".
import { type FastifyInstance } from 'fastify'
import { offsetChangesView } from './group-views.ts'
import { parseOffsetResetRequest } from './offset-reset-request.ts'

type GroupParams = { Params: { cluster_id: string; consumer_group_id: string } }

export function groupAdminRoutes(app: FastifyInstance): void {
  const { groupAdmin } = app.services
  const group = '/clusters/:cluster_id/consumer-groups/:consumer_group_id'

  app.delete<GroupParams>(group, async (request, reply) => {
    await groupAdmin.deleteGroup(request.params.cluster_id, request.params.consumer_group_id)
    return reply.code(204).removeHeader('content-type').send()
  })

  // fastify writes a literal colon in a path as '::'.
  app.post<GroupParams>(`${group}/offsets::reset`, async request => {
    const { cluster_id: cid, consumer_group_id: gid } = request.params
    const { entries, validateOnly } = parseOffsetResetRequest(request.body)
    const changes = await groupAdmin.resetOffsets(cid, gid, entries, validateOnly)
    return offsetChangesView(cid, gid, validateOnly, changes)
  })
}

// v3 ACL resources (application/json), prefix /v3/clusters/{c}:
//   GET    /acls?resource_type=&resource_name=&pattern_type=&principal=&host=&operation=&permission=
//          200 KafkaAclList (sorted by all seven fields)      400 an enum is UNKNOWN
//   POST   /acls          CreateAclRequest → 201, empty body, Location = the ACL's search URL
//   POST   /acls:batch    {"data":[CreateAclRequest...]} → 204 (kafka-rest answers 204; its spec says 201)
//   DELETE /acls?...      resource_type, pattern_type, operation, permission mandatory
//          200 {"data":[KafkaAcl...]} (the ACLs deleted; no kind/metadata wrapper)
// Query enum values that do not parse: 404. Body errors: 400, unknown field 422, no body 422/42206.
// Parameter rules in acl-params.ts. Kafka refusing the principal: 403/40301; no authorizer: 400/40002.
// 404 "Cluster C cannot be found.".
import { type FastifyInstance, type FastifyRequest } from 'fastify'
import { errors } from '../../errors/codes.ts'
import { RestError } from '../../errors/rest-error.ts'
import { type Acl, type AclFilter } from '../../model/acl.ts'
import { aclFromBody, aclQueryString, aclsFromBatch, deleteFilter, searchFilter } from './acl-params.ts'
import { type Links } from './urls.ts'

type Params = { Params: { cluster_id: string }; Querystring: Record<string, string | string[] | undefined> }

function aclView(l: Links, cid: string, acl: Acl) {
  return {
    kind: 'KafkaAcl',
    metadata: { self: `${l.url('clusters', cid, 'acls')}?${aclQueryString(acl)}` },
    cluster_id: cid,
    resource_type: acl.resourceType,
    resource_name: acl.resourceName,
    pattern_type: acl.patternType,
    principal: acl.principal,
    host: acl.host,
    operation: acl.operation,
    permission: acl.permission
  }
}

export function aclRoutes(app: FastifyInstance, linksFor: (request: FastifyRequest) => Links): void {
  const { acls } = app.services
  const path = '/clusters/:cluster_id/acls'

  app.get<Params>(path, async request => {
    const l = linksFor(request)
    const cid = request.params.cluster_id
    const filter: AclFilter = searchFilter(request.query)
    const found = await acls.search(cid, filter)
    return {
      kind: 'KafkaAclList',
      metadata: { self: `${l.url('clusters', cid, 'acls')}?${aclQueryString(filter)}`, next: null },
      data: found.map(acl => aclView(l, cid, acl))
    }
  })

  app.post<Params>(path, async (request, reply) => {
    if (request.body === undefined || request.body === null) {
      throw new RestError(errors.payload, 'Payload error. Null input provided. Data is required.')
    }
    const cid = request.params.cluster_id
    const acl = aclFromBody(request.body)
    await acls.create(cid, [acl])
    const location = `${linksFor(request).url('clusters', cid, 'acls')}?${aclQueryString(acl)}`
    return reply.code(201).header('location', location).removeHeader('content-type').send()
  })

  app.post<Params>(`${path}::batch`, async (request, reply) => {
    await acls.create(request.params.cluster_id, aclsFromBatch(request.body))
    return reply.code(204).removeHeader('content-type').send()
  })

  app.delete<Params>(path, async request => {
    const l = linksFor(request)
    const cid = request.params.cluster_id
    const deleted = await acls.delete(cid, deleteFilter(request.query))
    return { data: deleted.map(acl => aclView(l, cid, acl)) }
  })
}

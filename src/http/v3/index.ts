// The v3 API under /v3: application/json in and out, errors as application/json.
import { type FastifyInstance, type FastifyRequest } from 'fastify'
import { errorHandler } from '../errors.ts'
import { mediaTypes } from '../media.ts'
import { aclRoutes } from './acls.ts'
import { brokerConfigRoutes } from './broker-configs.ts'
import { clusterRoutes } from './clusters.ts'
import { consumerGroupRoutes } from './consumer-groups.ts'
import { groupAdminRoutes } from './group-admin.ts'
import { openApiRoutes } from './openapi.ts'
import { type RecordsOptions, recordsRoutes } from './records.ts'
import { replicaRoutes } from './replicas.ts'
import { topicConfigRoutes } from './topic-configs.ts'
import { topicRoutes } from './topics.ts'
import { topicAdminRoutes } from './topics-admin.ts'
import { links } from './urls.ts'

export function v3Plugin(options: { debug: boolean; authority: string; records: RecordsOptions }) {
  return (app: FastifyInstance, _options: unknown, done: () => void) => {
    app.setErrorHandler(errorHandler(mediaTypes.json, options.debug))
    const produces = [{ type: mediaTypes.json }]
    app.addHook('onRoute', route => {
      route.config = { produces, consumes: [mediaTypes.json], ...route.config }
    })
    const linksFor = ({ protocol, host }: FastifyRequest) => links(app.baseUrl({ protocol, host }), options.authority)
    clusterRoutes(app, linksFor)
    topicRoutes(app, linksFor)
    topicAdminRoutes(app, linksFor)
    topicConfigRoutes(app, linksFor)
    brokerConfigRoutes(app, linksFor)
    replicaRoutes(app, linksFor)
    recordsRoutes(app, options.records)
    consumerGroupRoutes(app, linksFor)
    groupAdminRoutes(app)
    aclRoutes(app, linksFor)
    openApiRoutes(app)
    done()
  }
}

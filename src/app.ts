// buildApp(config, deps) wires the proxy together and returns a fastify instance that has not started listening.
// It is the only place that constructs clients and services; everything else receives them.
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController
} from 'fastify'
import { clientOptions } from './config/client-options.ts'
import { type Config } from './config/settings.ts'
import { createBaseUrlResolver } from './http/base-url.ts'
import { installFallbacks } from './http/errors.ts'
import './http/fastify-types.ts'
import { installAdmission } from './http/plugins/admission.ts'
import { installMediaTypes } from './http/plugins/media-types.ts'
import { v2Plugin } from './http/v2/index.ts'
import { v3Plugin } from './http/v3/index.ts'
import { AclsFacade } from './kafka/acls.ts'
import { AdminFacade } from './kafka/admin.ts'
import { KafkaClients } from './kafka/clients.ts'
import { ConfigAdmin } from './kafka/configs.ts'
import { GroupConsumer } from './kafka/group-consumer.ts'
import { GroupsFacade } from './kafka/groups.ts'
import { ProducePipeline } from './kafka/producer.ts'
import { ReassignmentsAdmin } from './kafka/reassignments.ts'
import { TopicsAdmin } from './kafka/topics-admin.ts'
import { createConfigService } from './services/configs.ts'
import { createConsumerService } from './services/consumers.ts'
import { createAclService } from './services/acls.ts'
import { createConsumerGroupService } from './services/consumer-groups.ts'
import { createGroupAdminService } from './services/group-admin.ts'
import { type Services } from './services/index.ts'
import { createMetadataService } from './services/metadata.ts'
import { createProduceService } from './services/produce.ts'
import { createReplicaService } from './services/replicas.ts'
import { createSchemaDecoders } from './services/schema-decoders.ts'
import { createSchemaService, strategyClasses } from './services/schemas.ts'
import { createSchemaRegistry } from './serde/schema-registry.ts'
import { createTopicAdminService } from './services/topics-admin.ts'
import { ByteBudget } from './util/byte-budget.ts'
import { ProduceRateLimiter } from './util/rate-limiter.ts'

export interface AppDeps {
  // Replaces the Kafka-backed services (unit tests of the HTTP layer).
  services?: Services
  logger?: FastifyServerOptions['logger']
}

// One log line per request, after the response is sent (fastify's default writes two and dumps headers).
class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10
    }
    if (error) request.log.error({ ...line, err: error }, 'request')
    else request.log.info(line, 'request')
  }
}

function kafkaServices(config: Config, log: FastifyBaseLogger): { services: Services; close: () => Promise<void> } {
  const options = clientOptions(config)
  const operationTimeoutMs = config['kafka.operation.timeout.ms']
  const clients = new KafkaClients({ admin: options.admin, operationTimeoutMs })
  const admin = new AdminFacade(clients)
  const pipeline = new ProducePipeline(options.producer, options.producerTuning)
  const registry = createSchemaRegistry(config)
  const schemas =
    registry &&
    createSchemaService(registry, {
      key: strategyClasses[config['schema.registry.key.subject.name.strategy']],
      value: strategyClasses[config['schema.registry.value.subject.name.strategy']]
    })
  const onError = (err: unknown, what: string) => log.warn({ err }, `consumer: ${what} failed`)
  const topicNames = async () => (await admin.topics()).map(t => t.name)
  const consumers = createConsumerService(
    {
      requestTimeoutMs: config['consumer.request.timeout.ms'],
      requestMaxBytes: config['consumer.request.max.bytes'],
      instanceTimeoutMs: config['consumer.instance.timeout.ms'],
      fetchMinBytes: config['fetch.min.bytes'],
      maxInstances: config['consumer.instances.max'],
      proxyId: config.id,
      readAhead: config['consumer.read.ahead.enable']
    },
    (groupId, clientId, settings) =>
      new GroupConsumer({
        client: options.consumer,
        groupId,
        clientId,
        ...settings,
        tuning: options.consumerTuning,
        operationTimeoutMs,
        topicNames,
        onError
      }),
    onError,
    schemas && createSchemaDecoders(schemas)
  )
  const metadata = createMetadataService(admin)
  const groups = new GroupsFacade(clients)
  return {
    services: {
      metadata,
      produce: createProduceService(pipeline),
      consumers,
      topicAdmin: createTopicAdminService(metadata, admin, new TopicsAdmin(clients)),
      configs: createConfigService(metadata, new ConfigAdmin(clients)),
      replicas: createReplicaService(metadata, admin, new ReassignmentsAdmin(clients)),
      consumerGroups: createConsumerGroupService(() => metadata.cluster(), groups),
      groupAdmin: createGroupAdminService({
        cluster: () => metadata.cluster(),
        topics: names => admin.topics(names),
        groups
      }),
      acls: createAclService(id => metadata.requireCluster(id), new AclsFacade(clients)),
      schemas
    },
    close: async () => {
      await consumers.close()
      await Promise.allSettled([pipeline.close(), clients.close(), registry?.close()])
    }
  }
}

export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? { level: config['log.level'] },
    logController: new RequestLog(),
    bodyLimit: config['request.body.max.bytes'],
    // Keep-alive sockets are closed on shutdown; in-flight requests get shutdown.graceful.ms (main.ts).
    forceCloseConnections: 'idle',
    return503OnClosing: true
  })

  const backend = deps.services ? { services: deps.services, close: async () => {} } : kafkaServices(config, app.log)
  app.decorate('services', backend.services)
  app.decorate('baseUrl', createBaseUrlResolver(config))
  app.addHook('onClose', backend.close)

  installFallbacks(app, config.debug)
  installMediaTypes(app)
  const budget = new ByteBudget(config['produce.inflight.max.bytes'])
  app.decorate('produceBudget', budget)
  installAdmission(app, budget, config['request.body.max.bytes'])
  if (config['api.v2.enable']) await app.register(v2Plugin(config.debug))
  if (config['api.v3.enable']) {
    const records = {
      maxBatchEntries: config['api.v3.produce.batch.maximum.entries'],
      maxRecordBytes: config['api.v3.produce.request.size.limit.max.bytes'],
      maxStreamMs: config['streaming.connection.max.duration.ms'],
      streamGraceMs: config['streaming.connection.max.duration.grace.period.ms'],
      rateLimiter: config['api.v3.produce.rate.limit.enabled']
        ? new ProduceRateLimiter({
            requestsPerSecond: config['api.v3.produce.rate.limit.max.requests.per.sec'],
            requestsGlobalPerSecond: config['api.v3.produce.rate.limit.max.requests.global.per.sec'],
            bytesPerSecond: config['api.v3.produce.rate.limit.max.bytes.per.sec'],
            bytesGlobalPerSecond: config['api.v3.produce.rate.limit.max.bytes.global.per.sec'],
            cacheExpiryMs: config['api.v3.produce.rate.limit.cache.expiry.ms']
          })
        : undefined
    }
    await app.register(
      v3Plugin({ debug: config.debug, authority: config['confluent.resource.name.authority'], records }),
      {
        prefix: '/v3'
      }
    )
  }
  return app
}

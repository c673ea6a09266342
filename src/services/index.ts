import { type AclService } from './acls.ts'
import { type ConsumerGroupService } from './consumer-groups.ts'
import { type GroupAdminService } from './group-admin.ts'
import { type ConsumerService } from './consumers.ts'
import { type ConfigService } from './configs.ts'
import { type MetadataService } from './metadata.ts'
import { type ProduceService } from './produce.ts'
import { type ReplicaService } from './replicas.ts'
import { type SchemaService } from './schemas.ts'
import { type TopicAdminService } from './topics-admin.ts'

// Everything the HTTP layer may call, built once by app.ts and handed to the routes as a decorator.
export interface Services {
  metadata: MetadataService
  produce: ProduceService
  consumers: ConsumerService
  topicAdmin: TopicAdminService
  configs: ConfigService
  replicas: ReplicaService
  consumerGroups: ConsumerGroupService
  groupAdmin: GroupAdminService
  acls: AclService
  // Schema'd produce; absent when no Schema Registry is configured (schema.registry.url empty).
  schemas?: SchemaService
}

import { type AclService } from './acls.ts'
import { type ConsumerGroupService } from './consumer-groups.ts'
import { type GroupAdminService } from './group-admin.ts'
import { type MetadataService } from './metadata.ts'
import { type ProduceService } from './produce.ts'

// Everything the HTTP layer may call, built once by app.ts and handed to the routes as a decorator.
export interface Services {
  metadata: MetadataService
  produce: ProduceService
  consumerGroups: ConsumerGroupService
  groupAdmin: GroupAdminService
  acls: AclService
}

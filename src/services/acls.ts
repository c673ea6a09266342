// ACL search, creation and deletion, version-neutral. Parameter rules (which enum values each operation
// refuses) belong to the API; this checks the cluster and sorts as kafka-rest does.
import { type AclsFacade } from '../kafka/acls.ts'
import {
  type Acl,
  type AclFilter,
  aclOperations,
  aclPatternTypes,
  aclPermissions,
  aclResourceTypes
} from '../model/acl.ts'

export interface AclService {
  search(clusterId: string, filter: AclFilter): Promise<Acl[]>
  create(clusterId: string, acls: Acl[]): Promise<void>
  // The ACLs deleted.
  delete(clusterId: string, filter: AclFilter): Promise<Acl[]>
}

const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

// kafka-rest's order: all seven fields, enums by declaration order (Java compares enums by ordinal).
export function compareAcls(a: Acl, b: Acl): number {
  return (
    aclResourceTypes.indexOf(a.resourceType) - aclResourceTypes.indexOf(b.resourceType) ||
    text(a.resourceName, b.resourceName) ||
    aclPatternTypes.indexOf(a.patternType) - aclPatternTypes.indexOf(b.patternType) ||
    text(a.principal, b.principal) ||
    text(a.host, b.host) ||
    aclOperations.indexOf(a.operation) - aclOperations.indexOf(b.operation) ||
    aclPermissions.indexOf(a.permission) - aclPermissions.indexOf(b.permission)
  )
}

// `requireCluster` answers 404 "Cluster X cannot be found." (the ACL managers' wording).
export function createAclService(
  requireCluster: (clusterId: string) => Promise<unknown>,
  acls: AclsFacade
): AclService {
  return {
    async search(clusterId, filter) {
      await requireCluster(clusterId)
      return (await acls.describe(filter)).sort(compareAcls)
    },
    async create(clusterId, list) {
      await requireCluster(clusterId)
      await acls.create(list)
    },
    async delete(clusterId, filter) {
      await requireCluster(clusterId)
      return (await acls.delete(filter)).sort(compareAcls)
    }
  }
}

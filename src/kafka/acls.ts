// ACL operations with Confluent's enum names on the outside and Kafka's numeric codes on the wire. Kafka
// values without a Confluent name (resource type USER, operations CREATE_TOKENS, DESCRIBE_TOKENS,
// TWO_PHASE_COMMIT) come back as UNKNOWN, as kafka-rest's enum conversion does.
import {
  type Acl as WireAcl,
  type AclFilter as WireAclFilter,
  AclOperations,
  AclPermissionTypes,
  ResourcePatternTypes,
  ResourceTypes
} from '@platformatic/kafka'
import {
  type Acl,
  type AclFilter,
  aclOperations,
  aclPatternTypes,
  aclPermissions,
  aclResourceTypes
} from '../model/acl.ts'
import { type KafkaClients } from './clients.ts'

function nameOf<T extends string>(codes: Record<string, number>, names: readonly T[], code: number): T | 'UNKNOWN' {
  const name = Object.entries(codes).find(([, value]) => value === code)?.[0]
  return names.find(n => n === name) ?? 'UNKNOWN'
}

// Every Confluent enum name is also a Kafka one, so the lookup never misses.
const codeOf = <V extends number>(codes: Record<string, V>, name: string): V => codes[name]

function fromWire(acl: WireAcl): Acl {
  return {
    resourceType: nameOf(ResourceTypes, aclResourceTypes, acl.resourceType),
    resourceName: acl.resourceName,
    patternType: nameOf(ResourcePatternTypes, aclPatternTypes, acl.resourcePatternType),
    principal: acl.principal,
    host: acl.host,
    operation: nameOf(AclOperations, aclOperations, acl.operation),
    permission: nameOf(AclPermissionTypes, aclPermissions, acl.permissionType)
  }
}

function toWire(acl: AclFilter): WireAclFilter {
  return {
    resourceType: codeOf(ResourceTypes, acl.resourceType),
    resourceName: acl.resourceName,
    resourcePatternType: codeOf(ResourcePatternTypes, acl.patternType),
    principal: acl.principal,
    host: acl.host,
    operation: codeOf(AclOperations, acl.operation),
    permissionType: codeOf(AclPermissionTypes, acl.permission)
  }
}

export class AclsFacade {
  readonly #clients: KafkaClients

  constructor(clients: KafkaClients) {
    this.#clients = clients
  }

  describe(filter: AclFilter): Promise<Acl[]> {
    return this.#clients.bounded('describe ACLs', async admin => {
      const resources = await admin.describeAcls({ filter: toWire(filter) })
      return resources.flatMap(({ acls, ...resource }) => acls.map(acl => fromWire({ ...resource, ...acl })))
    })
  }

  // All or nothing from the caller's view: the first failed creation fails the request (as kafka-rest).
  create(acls: Acl[]): Promise<void> {
    if (acls.length === 0) return Promise.resolve()
    return this.#clients.bounded('create ACLs', admin =>
      admin.createAcls({ creations: acls.map(acl => toWire(acl) as WireAcl) })
    )
  }

  delete(filter: AclFilter): Promise<Acl[]> {
    return this.#clients.bounded('delete ACLs', async admin => {
      const deleted = await admin.deleteAcls({ filters: [toWire(filter)] })
      return deleted.map(fromWire)
    })
  }
}

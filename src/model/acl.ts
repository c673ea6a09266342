// Kafka ACLs with Confluent's enum names. The tuples are in the order of kafka-rest's Java enums: lists are
// sorted by that order (Java compares enums by ordinal), so it matters.

export const aclResourceTypes = [
  'UNKNOWN',
  'ANY',
  'TOPIC',
  'GROUP',
  'CLUSTER',
  'TRANSACTIONAL_ID',
  'DELEGATION_TOKEN'
] as const
export const aclPatternTypes = ['UNKNOWN', 'ANY', 'MATCH', 'LITERAL', 'PREFIXED'] as const
export const aclOperations = [
  'UNKNOWN',
  'ANY',
  'ALL',
  'READ',
  'WRITE',
  'CREATE',
  'DELETE',
  'ALTER',
  'DESCRIBE',
  'CLUSTER_ACTION',
  'DESCRIBE_CONFIGS',
  'ALTER_CONFIGS',
  'IDEMPOTENT_WRITE'
] as const
export const aclPermissions = ['UNKNOWN', 'ANY', 'DENY', 'ALLOW'] as const

export type AclResourceType = (typeof aclResourceTypes)[number]
export type AclPatternType = (typeof aclPatternTypes)[number]
export type AclOperation = (typeof aclOperations)[number]
export type AclPermission = (typeof aclPermissions)[number]

export interface Acl {
  resourceType: AclResourceType
  resourceName: string
  patternType: AclPatternType
  principal: string
  host: string
  operation: AclOperation
  permission: AclPermission
}

// A search or delete filter: null strings match anything.
export interface AclFilter extends Omit<Acl, 'resourceName' | 'principal' | 'host'> {
  resourceName: string | null
  principal: string | null
  host: string | null
}

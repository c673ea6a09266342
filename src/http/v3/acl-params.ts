// ACL query parameters and request bodies, with kafka-rest's rules (reference §2.5):
// - enum values are case-insensitive; a query value that is none of them is a 404 (JAX-RS fails the parameter
//   conversion before the resource runs), a body value a 400;
// - search: the four enums default to ANY, UNKNOWN is refused;
// - delete: they default to UNKNOWN, so all four are mandatory ("... cannot be unspecified or UNKNOWN");
// - create: ANY and UNKNOWN are refused everywhere, and MATCH as a pattern type (a filter-only value);
// - empty strings in resource_name, principal and host mean "any" in filters.
// Where upstream's message texts differ from one field to the next for the same rule, ours name the value
// actually refused (e.g. "operation cannot be UNKNOWN"); the ANY cases are word for word upstream's.
import { errors } from '../../errors/codes.ts'
import { RestError } from '../../errors/rest-error.ts'
import {
  type Acl,
  type AclFilter,
  aclOperations,
  aclPatternTypes,
  aclPermissions,
  aclResourceTypes
} from '../../model/acl.ts'

type Query = Record<string, string | string[] | undefined>

const enums = {
  resource_type: aclResourceTypes,
  pattern_type: aclPatternTypes,
  operation: aclOperations,
  permission: aclPermissions
} as const
type EnumField = keyof typeof enums
const enumFields = Object.keys(enums) as EnumField[]
const stringFields = ['resource_name', 'principal', 'host'] as const

const badRequest = (message: string) => new RestError(errors.badRequest, `Bad Request: ${message}`)

function matchEnum<F extends EnumField>(field: F, raw: string): (typeof enums)[F][number] | undefined {
  const upper = raw.toUpperCase()
  return enums[field].find(v => v === upper)
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)

function filterFrom(query: Query, fallback: 'ANY' | 'UNKNOWN', refusal: (field: string) => string): AclFilter {
  const parsed: Record<string, string> = {}
  for (const field of enumFields) {
    const raw = first(query[field])
    const value = raw === undefined ? fallback : matchEnum(field, raw)
    if (value === undefined) throw new RestError(errors.notFound)
    parsed[field] = value
  }
  for (const field of enumFields) if (parsed[field] === 'UNKNOWN') throw badRequest(refusal(field))
  const text = (field: (typeof stringFields)[number]) => first(query[field]) || null
  return {
    resourceType: parsed.resource_type as AclFilter['resourceType'],
    resourceName: text('resource_name'),
    patternType: parsed.pattern_type as AclFilter['patternType'],
    principal: text('principal'),
    host: text('host'),
    operation: parsed.operation as AclFilter['operation'],
    permission: parsed.permission as AclFilter['permission']
  }
}

export function searchFilter(query: Query): AclFilter {
  return filterFrom(query, 'ANY', field => `${field} cannot be UNKNOWN`)
}

export function deleteFilter(query: Query): AclFilter {
  return filterFrom(query, 'UNKNOWN', field => `${field} cannot be unspecified or UNKNOWN`)
}

const aclFields = new Set<string>([...enumFields, ...stringFields])

// One CreateAclRequest object (the body of POST /acls, an entry of POST /acls:batch).
export function aclFromBody(body: unknown, at = ''): Acl {
  const where = (field: string) => (at ? `${at}.${field}` : field)
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(`${at || 'the request body'} must be a JSON object`)
  }
  const entry = body as Record<string, unknown>
  const unknown = Object.keys(entry).find(k => !aclFields.has(k))
  if (unknown !== undefined) throw new RestError(errors.unprocessable, `Unrecognized field: ${unknown}`)
  const values: Record<string, string> = {}
  for (const field of [...enumFields, ...stringFields]) {
    const raw = entry[field]
    if (raw === undefined || raw === null) throw badRequest(`${where(field)} is required`)
    if (typeof raw !== 'string') throw badRequest(`${where(field)} must be a string`)
    values[field] = raw
  }
  for (const field of enumFields) {
    const value = matchEnum(field, values[field])
    if (value === undefined) {
      throw badRequest(`${where(field)} "${values[field]}" is not one of ${enums[field].join(', ')}`)
    }
    values[field] = value
  }
  for (const field of enumFields) {
    const value = values[field]
    if (value === 'ANY' || value === 'UNKNOWN' || (field === 'pattern_type' && value === 'MATCH')) {
      throw badRequest(`${field} cannot be ${value}`)
    }
  }
  return {
    resourceType: values.resource_type as Acl['resourceType'],
    resourceName: values.resource_name,
    patternType: values.pattern_type as Acl['patternType'],
    principal: values.principal,
    host: values.host,
    operation: values.operation as Acl['operation'],
    permission: values.permission as Acl['permission']
  }
}

// The body of POST /acls:batch: {"data":[CreateAclRequest...]}; an empty list is fine (nothing to create).
export function aclsFromBatch(body: unknown): Acl[] {
  if (body === undefined || body === null) {
    throw new RestError(errors.payload, 'Payload error. Null input provided. Data is required.')
  }
  const data = (body as { data?: unknown }).data
  if (typeof body !== 'object' || Array.isArray(body) || !Array.isArray(data)) {
    throw new RestError(errors.payload, 'Payload error. Empty input provided. Data is required.')
  }
  const unknown = Object.keys(body).find(k => k !== 'data')
  if (unknown !== undefined) throw new RestError(errors.unprocessable, `Unrecognized field: ${unknown}`)
  return data.map((entry, i) => aclFromBody(entry, `data[${i}]`))
}

// The ACL search URL of kafka-rest: all seven parameters, values encoded as Java's URLEncoder does
// (form encoding: space as '+', only letters, digits and . - * _ unescaped).
export function aclQueryString(acl: Acl | AclFilter): string {
  const form = (value: string) =>
    encodeURIComponent(value)
      .replace(/[!'()~]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%20/g, '+')
  const pairs: [string, string][] = [
    ['resource_type', acl.resourceType],
    ['resource_name', acl.resourceName ?? ''],
    ['pattern_type', acl.patternType],
    ['principal', acl.principal ?? ''],
    ['host', acl.host ?? ''],
    ['operation', acl.operation],
    ['permission', acl.permission]
  ]
  return pairs.map(([key, value]) => `${key}=${form(value)}`).join('&')
}

// The body of our POST .../consumer-groups/{g}/offsets:reset (an extension; see openapi/extensions.yaml):
//   {"data":[{"topic_name":"t","partition_id":0,"reset_to":"EARLIEST"},          one partition
//            {"topic_name":"u","reset_to":"LATEST"},                             every partition of u
//            {"topic_name":"v","partition_id":1,"reset_to":"OFFSET","offset":42},
//            {"topic_name":"w","reset_to":"TIMESTAMP","timestamp":"2026-01-31T12:00:00Z"}],
//    "validate_only":false}
// No body → 422/42206; an unknown field → 422 "Unrecognized field: x" (rest-utils' wording); a bad value → 400.
import { errors } from '../../errors/codes.ts'
import { RestError } from '../../errors/rest-error.ts'
import { type OffsetResetEntry, type OffsetTarget } from '../../model/consumer-group.ts'

export interface OffsetResetRequest {
  entries: OffsetResetEntry[]
  validateOnly: boolean
}

const resetTargets = ['EARLIEST', 'LATEST', 'TIMESTAMP', 'OFFSET'] as const
const entryFields = new Set(['topic_name', 'partition_id', 'reset_to', 'offset', 'timestamp'])

const bad = (message: string) => new RestError(errors.badRequest, `Bad Request: ${message}`)
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isInt = (v: unknown, max: number): v is number =>
  Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= max

function unknownFields(object: Record<string, unknown>, known: Set<string>): void {
  const unknown = Object.keys(object).find(k => !known.has(k))
  if (unknown !== undefined) throw new RestError(errors.unprocessable, `Unrecognized field: ${unknown}`)
}

function target(entry: Record<string, unknown>, at: string): OffsetTarget {
  const kind = entry.reset_to
  if (typeof kind !== 'string' || !(resetTargets as readonly string[]).includes(kind)) {
    throw bad(`${at}.reset_to must be one of ${resetTargets.join(', ')}`)
  }
  const needs = kind === 'OFFSET' ? 'offset' : kind === 'TIMESTAMP' ? 'timestamp' : undefined
  for (const field of ['offset', 'timestamp']) {
    if (field !== needs && entry[field] !== undefined) throw bad(`${at}.${field} is not allowed with reset_to ${kind}`)
  }
  if (kind === 'OFFSET') {
    if (!isInt(entry.offset, Number.MAX_SAFE_INTEGER)) throw bad(`${at}.offset must be a non-negative integer`)
    return { kind: 'offset', offset: BigInt(entry.offset) }
  }
  if (kind === 'TIMESTAMP') {
    const ms = typeof entry.timestamp === 'string' ? Date.parse(entry.timestamp) : NaN
    if (!Number.isFinite(ms) || ms < 0) throw bad(`${at}.timestamp must be an ISO-8601 date-time`)
    return { kind: 'timestamp', timestamp: ms }
  }
  return { kind: kind === 'EARLIEST' ? 'earliest' : 'latest' }
}

export function parseOffsetResetRequest(body: unknown): OffsetResetRequest {
  if (body === undefined || body === null) {
    throw new RestError(errors.payload, 'Payload error. Null input provided. Data is required.')
  }
  if (!isObject(body)) throw bad('the request body must be a JSON object')
  unknownFields(body, new Set(['data', 'validate_only']))
  if (!Array.isArray(body.data) || body.data.length === 0) {
    throw new RestError(errors.payload, 'Payload error. Empty input provided. Data is required.')
  }
  if (body.validate_only !== undefined && typeof body.validate_only !== 'boolean') {
    throw bad('validate_only must be true or false')
  }
  const entries = body.data.map((entry, i): OffsetResetEntry => {
    const at = `data[${i}]`
    if (!isObject(entry)) throw bad(`${at} must be an object`)
    unknownFields(entry, entryFields)
    if (typeof entry.topic_name !== 'string' || entry.topic_name === '') throw bad(`${at}.topic_name is required`)
    const parsed: OffsetResetEntry = { topic: entry.topic_name, target: target(entry, at) }
    if (entry.partition_id !== undefined) {
      if (!isInt(entry.partition_id, 2147483647)) throw bad(`${at}.partition_id must be a non-negative integer`)
      parsed.partition = entry.partition_id
    }
    return parsed
  })
  return { entries, validateOnly: body.validate_only === true }
}

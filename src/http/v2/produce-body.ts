// The checks every v2 produce body gets, whatever its format: a JSON object with only the allowed fields, a
// non-empty `records` array, and records with only key, value and an integer partition. Upstream's answers:
// no body 422, unknown field 422 "Unrecognized field: x", empty records 422, wrong JSON types 400.
import { errors } from '../../errors/codes.ts'
import { RestError } from '../../errors/rest-error.ts'

const bad = (message: string) => new RestError(errors.badRequest, `Bad Request: ${message}`)

/** The body's `records` after the checks every format shares; `fields` are the top-level fields allowed. */
export function recordList(
  body: unknown,
  fields: readonly string[]
): { body: Record<string, unknown>; records: unknown[] } {
  if (body === undefined || body === null)
    throw new RestError(errors.unprocessable, 'Request body is empty. Data is required.')
  if (typeof body !== 'object' || Array.isArray(body)) throw bad('the request body must be a JSON object')
  for (const field of Object.keys(body)) {
    if (!fields.includes(field)) throw new RestError(errors.unprocessable, `Unrecognized field: ${field}`)
  }
  const records = (body as { records?: unknown }).records
  if (!Array.isArray(records) || records.length === 0)
    throw new RestError(errors.unprocessable, 'records must not be empty')
  return { body: body as Record<string, unknown>, records }
}

/** One record's key, value (as given) and partition, checked. */
export function recordParts(record: unknown, i: number): { key: unknown; value: unknown; partition?: number } {
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    throw bad(`records[${i}] must be an object`)
  const { key, value, partition, ...rest } = record as Record<string, unknown>
  const unknown = Object.keys(rest)[0]
  if (unknown !== undefined) throw new RestError(errors.unprocessable, `Unrecognized field: ${unknown}`)
  if (partition !== undefined && partition !== null && !Number.isInteger(partition)) {
    throw bad(`records[${i}].partition must be an integer`)
  }
  return typeof partition === 'number' ? { key, value, partition } : { key, value }
}

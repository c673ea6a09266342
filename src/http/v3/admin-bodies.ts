// Request bodies of the v3 admin endpoints → typed values, with Confluent's answers for bad input:
//   no body (or JSON null)        422/42206 "Payload error. Request body is empty. Data is required."
//   unknown field                 422 "Unrecognized field: <name>"
//   wrong type / missing field    400, worded like Jackson where Confluent's clients see Jackson's text
//   invalid topic name            422/42206 "Payload error. Invalid topic name."
// Scalars are coerced the way Jackson coerces them: a number is accepted for a string field, a numeric string
// for an integer field, "true"/"false" for a boolean.
import { errors } from '../../errors/codes.ts'
import { RestError } from '../../errors/rest-error.ts'
import { type ConfigChange, type ConfigOperation, configOperations, type NewTopic } from '../../model/admin.ts'

type Body = Record<string, unknown>

const badRequest = (message: string) => new RestError(errors.badRequest, message)

export function requireBody(body: unknown): Body {
  if (body === undefined || body === null) {
    throw new RestError(errors.payload, 'Payload error. Request body is empty. Data is required.')
  }
  return asObject(body, 'request body')
}

function asObject(value: unknown, what: string): Body {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(`Cannot deserialize ${what} from ${kind(value)}: a JSON object is expected`)
  }
  return value as Body
}

function onlyFields(body: Body, allowed: readonly string[]): void {
  for (const field of Object.keys(body)) {
    if (!allowed.includes(field)) throw new RestError(errors.unprocessable, `Unrecognized field: ${field}`)
  }
}

function kind(value: unknown): string {
  if (typeof value === 'string') return `String ${JSON.stringify(value)}`
  if (Array.isArray(value)) return 'Array value'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'Object value'
  if (typeof value === 'number') return `Floating-point value (${value})`
  return `Boolean value (${value === true})`
}

const javaTypes = { int: ['java.lang.Integer', 2147483647], short: ['java.lang.Short', 32767] } as const

// An optional integer: absent or null → null.
function integer(value: unknown, type: keyof typeof javaTypes): number | null {
  if (value === undefined || value === null) return null
  const [java, max] = javaTypes[type]
  const n = typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    const suffix = typeof value === 'string' ? `: not a valid \`${java}\` value` : ''
    throw badRequest(`Cannot deserialize value of type \`${java}\` from ${kind(value)}${suffix}`)
  }
  if (n > max || n < -max - 1) throw badRequest(`Numeric value (${n}) out of range of \`${java}\``)
  return n
}

// An optional string: absent or null → null.
function text(value: unknown): string | null {
  if (value === undefined || value === null) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw badRequest(`Cannot deserialize value of type \`java.lang.String\` from ${kind(value)}`)
}

function flag(value: unknown): boolean {
  if (value === undefined || value === null) return false
  if (typeof value === 'boolean') return value
  if (value === 'true' || value === 'false') return value === 'true'
  throw badRequest(`Cannot deserialize value of type \`java.lang.Boolean\` from ${kind(value)}`)
}

function list(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value))
    throw badRequest(`Cannot deserialize ${what} from ${kind(value)}: a JSON array is expected`)
  return value
}

const required = <T>(value: T | null, field: string): T => {
  if (value === null) throw badRequest(`Bad Request: ${field} is required.`)
  return value
}

// Kafka's topic name rules (org.apache.kafka.common.internals.Topic.validate).
export function isValidTopicName(name: string): boolean {
  return name.length > 0 && name.length <= 249 && name !== '.' && name !== '..' && /^[a-zA-Z0-9._-]+$/.test(name)
}

const createFields = [
  'topic_name',
  'partitions_count',
  'replication_factor',
  'replicas_assignments',
  'configs',
  'validate_only'
] as const

export function parseCreateTopic(raw: unknown): { topic: NewTopic; validateOnly: boolean } {
  const body = requireBody(raw)
  onlyFields(body, createFields)
  const name = required(text(body.topic_name), 'topic_name')
  if (!isValidTopicName(name)) throw new RestError(errors.payload, 'Payload error. Invalid topic name.')
  const configs = list(body.configs, 'configs').map(entry => {
    const config = asObject(entry, 'a config')
    onlyFields(config, ['name', 'value'])
    return { name: required(text(config.name), 'name'), value: text(config.value) }
  })
  return {
    topic: {
      name,
      partitionsCount: integer(body.partitions_count, 'int'),
      replicationFactor: integer(body.replication_factor, 'short'),
      assignments: assignments(body.replicas_assignments),
      configs
    },
    validateOnly: flag(body.validate_only)
  }
}

function assignments(value: unknown): NewTopic['assignments'] {
  if (value === undefined || value === null) return null
  return Object.entries(asObject(value, 'replicas_assignments')).map(([partition, brokers]) => ({
    partition: integer(partition, 'int')!,
    brokers: list(brokers, 'replicas').map(b => required(integer(b, 'int'), 'broker id'))
  }))
}

export function parsePartitionsCount(raw: unknown): number {
  const body = requireBody(raw)
  onlyFields(body, ['partitions_count'])
  return required(integer(body.partitions_count, 'int'), 'partitions_count')
}

// PUT .../configs/{name}: {"value": "..."}; a missing or null value is passed on (Kafka refuses it).
export function parseConfigValue(raw: unknown): string | null {
  const body = requireBody(raw)
  onlyFields(body, ['value'])
  return text(body.value)
}

function operation(value: unknown): ConfigOperation {
  const name = text(value)
  if (name === null) return 'SET'
  const found = configOperations.find(o => o === name.toUpperCase())
  if (!found) {
    throw badRequest(
      `Cannot deserialize value of type \`AlterOperation\` from String ${JSON.stringify(name)}: not one of the values accepted for Enum class: [SET, DELETE]`
    )
  }
  return found
}

function changes(value: unknown, field: string): ConfigChange[] {
  return list(required(value ?? null, field), field).map(entry => {
    const change = asObject(entry, 'a config change')
    onlyFields(change, ['name', 'value', 'operation'])
    return {
      name: required(text(change.name), 'name'),
      value: text(change.value),
      operation: operation(change.operation)
    }
  })
}

// POST .../configs:alter: {"data": [{"name", "value", "operation": SET|DELETE}], "validate_only": bool}
export function parseAlterBatch(raw: unknown): { changes: ConfigChange[]; validateOnly: boolean } {
  const body = requireBody(raw)
  onlyFields(body, ['data', 'validate_only'])
  return { changes: changes(body.data, 'data'), validateOnly: flag(body.validate_only) }
}

// POST /topics/-/configs:alter: {"data": [{"topic_name", "configs": [change...]}], "validate_only": bool}
export function parseAlterTopics(raw: unknown): {
  entries: { topic: string; changes: ConfigChange[] }[]
  validateOnly: boolean
} {
  const body = requireBody(raw)
  onlyFields(body, ['data', 'validate_only'])
  const entries = list(required(body.data ?? null, 'data'), 'data').map(entry => {
    const topic = asObject(entry, 'a topic entry')
    onlyFields(topic, ['topic_name', 'configs'])
    return { topic: required(text(topic.topic_name), 'topic_name'), changes: changes(topic.configs, 'configs') }
  })
  return { entries, validateOnly: flag(body.validate_only) }
}

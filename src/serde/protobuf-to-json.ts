// A decoded Protobuf message (protobufjs) → its JSON form as Confluent's REST Proxy gives it: Java's
// JsonFormat.printer().includingDefaultValueFields() (ProtobufSchemaUtils.toJson), read back by Jackson:
// - fields by JSON name (lowerCamelCase or `json_name`), in field-number order;
// - every field is printed, unset ones with their default value (0, "", false, the first enum value, a proto2
//   `[default = …]`), repeated fields as [] and maps as {}, except unset message fields and unset members of a
//   oneof (proto3 `optional` fields included), which are left out;
// - 64-bit integers as strings, bytes as base64, enums by name (a number the enum lacks as the number),
//   floats as their shortest decimal, NaN/Infinity/-Infinity as strings;
// - well-known types in their JSON forms (Timestamp/Duration/FieldMask strings, Struct/Value/ListValue as plain
//   JSON, wrappers as bare values, Any as {"@type": url, ...}).
// Extension fields and unknown fields are not printed (Java has no registry for them either). Numbers are
// written as JavaScript writes them (1, not Java's 1.0): the same JSON values.
import protobuf, { Enum, type Field, type MapField, type Root, Type } from 'protobufjs'
import { anyType, fullName, longText, protoField } from './protobuf-from-json.ts'
import { formatDuration, formatFieldMask, formatTimestamp } from './protobuf-time.ts'
import { SchemaDataError } from './schema-codec.ts'

type Obj = Record<string, unknown>

const LONG_TYPES = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64'])

const fail = (message: string): never => {
  throw new SchemaDataError(message)
}

const has = (message: Obj, name: string) => Object.hasOwn(message, name) && message[name] !== null

// Java writes a float as its shortest decimal (0.1f → 0.1); as a double it would print 0.10000000149011612.
function float32(value: number): string {
  if (!Number.isFinite(value)) return JSON.stringify(String(value))
  for (let digits = 1; digits < 9; digits++) {
    const text = value.toPrecision(digits)
    if (Math.fround(Number(text)) === value) return Object.is(value, -0) ? '-0' : String(Number(text))
  }
  return String(value)
}

const double = (value: number) =>
  Number.isFinite(value) ? (Object.is(value, -0) ? '-0' : String(value)) : JSON.stringify(String(value))

const toBigInt = (value: unknown) => BigInt(longText(value ?? 0))

function writeScalar(type: string, value: unknown): string {
  switch (type) {
    case 'double':
      return double(value as number)
    case 'float':
      return float32(value as number)
    case 'bool':
      return value ? 'true' : 'false'
    case 'string':
      return JSON.stringify(value)
    case 'bytes':
      return `"${Buffer.from(value as Uint8Array).toString('base64')}"`
    default:
      return LONG_TYPES.has(type) ? `"${longText(value)}"` : String(value)
  }
}

// Enum names by number; with aliases (allow_alias) the first name declared wins, as Java's findValueByNumber.
const enumNames = new WeakMap<Enum, Map<number, string>>()

function writeEnum(enm: Enum, value: number): string {
  if (enm.fullName === '.google.protobuf.NullValue') return 'null'
  let names = enumNames.get(enm)
  if (!names) {
    names = new Map()
    for (const [name, number] of Object.entries(enm.values)) if (!names.has(number)) names.set(number, name)
    enumNames.set(enm, names)
  }
  const name = names.get(value)
  return name === undefined ? String(value) : JSON.stringify(name)
}

function writeSingle(field: Field, value: unknown, root: Root): string {
  const type = field.resolvedType
  if (type instanceof Type) return writeMessage(type, (value ?? {}) as Obj, root)
  if (type instanceof Enum) return writeEnum(type, value as number)
  return writeScalar(field.type, value)
}

function mapKey(keyType: string, key: string): string {
  if (!LONG_TYPES.has(keyType)) return JSON.stringify(key)
  // protobufjs keys 64-bit map entries by an 8-character hash of the value
  return `"${longText(protobuf.util.longFromHash(key, keyType === 'uint64' || keyType === 'fixed64'))}"`
}

function writeField(field: Field, value: unknown, root: Root): string {
  if (field.map) {
    const keyType = (field as unknown as MapField).keyType
    const entries = Object.entries(value as Obj).map(([k, v]) => `${mapKey(keyType, k)}:${writeSingle(field, v, root)}`)
    return `{${entries.join(',')}}`
  }
  if (field.repeated) return `[${(value as unknown[]).map(item => writeSingle(field, item, root)).join(',')}]`
  return writeSingle(field, value, root)
}

// Fields in number order, without extensions.
const printedFields = new WeakMap<Type, Field[]>()

function fieldsOf(type: Type): Field[] {
  let fields = printedFields.get(type)
  if (!fields) {
    fields = type.fieldsArray.filter(f => !f.declaringField && !f.name.startsWith('.')).sort((a, b) => a.id - b.id)
    printedFields.set(type, fields)
  }
  return fields
}

function writeFields(type: Type, message: Obj, root: Root): string[] {
  const parts: string[] = []
  for (const field of fieldsOf(type)) {
    let value: unknown
    if (field.map) value = has(message, field.name) ? message[field.name] : {}
    else if (field.repeated) value = has(message, field.name) ? message[field.name] : []
    else if (has(message, field.name)) value = message[field.name]
    else if (field.resolvedType instanceof Type || field.partOf)
      continue // unset message or oneof member
    else value = field.defaultValue
    parts.push(`${JSON.stringify(field.jsonName ?? field.name)}:${writeField(field, value, root)}`)
  }
  return parts
}

/** The JSON text of a decoded message of `type` (the root holds every type the schema knows, for Any). */
export function writeMessage(type: Type, message: Obj, root: Root): string {
  const special = wellKnown[type.fullName]
  if (special) return special(type, message, root)
  return `{${writeFields(type, message, root).join(',')}}`
}

// --- well-known types ---

type Writer = (type: Type, message: Obj, root: Root) => string

const valueOf = (type: Type, message: Obj, protoName: string): unknown => {
  const field = protoField(type, protoName)
  return has(message, field.name) ? message[field.name] : field.defaultValue
}

function secondsNanos(type: Type, message: Obj) {
  return { seconds: toBigInt(valueOf(type, message, 'seconds')), nanos: valueOf(type, message, 'nanos') as number }
}

function writeValue(type: Type, message: Obj, root: Root): string {
  for (const field of type.fieldsArray) {
    if (!has(message, field.name)) continue
    const value = message[field.name]
    if (field.type === 'double' && !Number.isFinite(value))
      fail('google.protobuf.Value cannot encode double values for infinity or nan, because they would be parsed as a string.') // prettier-ignore
    return writeSingle(field, value, root)
  }
  return 'null' // no kind set
}

function writeAny(type: Type, message: Obj, root: Root): string {
  const url = valueOf(type, message, 'type_url') as string
  const bytes = (valueOf(type, message, 'value') ?? []) as Uint8Array
  if (!url && bytes.length === 0) return '{}'
  const inner = anyType(root, url) ?? fail(`Cannot find type for url: ${url}`)
  let decoded: Obj
  try {
    decoded = inner.decode(bytes)
  } catch (error) {
    return fail(`Not a ${fullName(inner)} in google.protobuf.Any: ${(error as Error).message}`)
  }
  const typeKey = `"@type":${JSON.stringify(url)}`
  if (wellKnown[inner.fullName]) return `{${typeKey},"value":${writeMessage(inner, decoded, root)}}`
  return `{${[typeKey, ...writeFields(inner, decoded, root)].join(',')}}`
}

const wrapper: Writer = (type, message, root) => writeSingle(protoField(type, 'value'), valueOf(type, message, 'value'), root) // prettier-ignore

const wellKnown: Record<string, Writer> = {
  '.google.protobuf.Timestamp': (type, message) => {
    const time = secondsNanos(type, message)
    const text = formatTimestamp(time) ?? fail(`Timestamp is not valid: seconds ${time.seconds}, nanos ${time.nanos}`)
    return `"${text}"`
  },
  '.google.protobuf.Duration': (type, message) => {
    const time = secondsNanos(type, message)
    const text = formatDuration(time) ?? fail(`Duration is not valid: seconds ${time.seconds}, nanos ${time.nanos}`)
    return `"${text}"`
  },
  '.google.protobuf.FieldMask': (type, message) =>
    JSON.stringify(formatFieldMask((valueOf(type, message, 'paths') ?? []) as string[])),
  '.google.protobuf.Struct': (type, message, root) => {
    const field = protoField(type, 'fields')
    return writeField(field, has(message, field.name) ? message[field.name] : {}, root)
  },
  '.google.protobuf.ListValue': (type, message, root) => {
    const field = protoField(type, 'values')
    return writeField(field, has(message, field.name) ? message[field.name] : [], root)
  },
  '.google.protobuf.Value': writeValue,
  '.google.protobuf.Any': writeAny,
  ...Object.fromEntries(
    ['Double', 'Float', 'Int64', 'UInt64', 'Int32', 'UInt32', 'Bool', 'String', 'Bytes'].map(name => [
      `.google.protobuf.${name}Value`,
      wrapper
    ])
  )
}

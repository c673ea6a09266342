// Protobuf data in its JSON form (ProtoJSON) → a plain object protobufjs encodes. Confluent's REST Proxy reads the
// JSON of a produce request with Java's JsonFormat.parser() (default options), so this follows that parser:
// - a field is named by its JSON name (lowerCamelCase or `json_name`) or by its proto name; an unknown name is an
//   error, and so is one field named twice (by both names);
// - null leaves a field unset (google.protobuf.Value takes it as its null; NullValue as NULL_VALUE);
// - integers are numbers or strings ("12", "1.0", "1e2" where integral); 64-bit ones are exact as strings;
//   floats also take "NaN", "Infinity", "-Infinity"; bools take true or "true"; strings take any JSON scalar
//   (Gson's getAsString); bytes are base64 (standard or URL-safe, padding optional);
// - enums by name, or by number (open enums take any int32, closed ones only their values);
// - maps are objects (keys in the key type's text), repeated fields arrays; two members of one oneof is an error;
// - the well-known types have their own forms: Timestamp/Duration/FieldMask strings, Struct/Value/ListValue as
//   plain JSON, wrappers as their bare value, Any as {"@type": url, ...}; proto2 required fields must be given.
// Errors are SchemaDataError with Java's wording where it has one ("Cannot find field: x in message y").
import protobuf, { Enum, type Field, type MapField, type Root, Type } from 'protobufjs'
import { parseDuration, parseFieldMask, parseTimestamp } from './protobuf-time.ts'
import { SchemaDataError } from './schema-codec.ts'

type Obj = Record<string, unknown>
type Long = protobuf.Long

interface Context {
  root: Root
  depth: number
  missing: string[]
}

const RECURSION_LIMIT = 100 // Java's JsonFormat parser

const fail = (message: string): never => {
  throw new SchemaDataError(message)
}

/** Compact JSON text of a value, as Java quotes the offending JSON element. */
export const jsonText = (json: unknown): string =>
  typeof json === 'bigint' || (typeof json === 'number' && !Number.isFinite(json))
    ? String(json)
    : (JSON.stringify(json) ?? String(json))

const isObject = (json: unknown): json is Obj => typeof json === 'object' && json !== null && !Array.isArray(json)

/** A full name as Java prints it: "com.acme.Order.id", without protobufjs's leading dot. */
export const fullName = (object: { fullName: string }): string => object.fullName.replace(/^\./, '')

/** The field a well-known type declares under this proto name (protobufjs's bundled copies use camelCase). */
export function protoField(type: Type, protoName: string): Field {
  const field = type.fieldsArray.find(f => (f.protoName ?? f.name) === protoName)
  if (!field) throw new SchemaDataError(`${fullName(type)} has no field ${protoName}`)
  return field
}

// Gson's getAsString, which Java's parser applies to every scalar: JSON scalars as their text, others refused.
function scalarText(json: unknown): string | undefined {
  if (typeof json === 'string') return json
  if (typeof json === 'number' || typeof json === 'boolean' || typeof json === 'bigint') return String(json)
  return undefined
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,9}))?$/
const BEYOND_64_BITS = 10n ** 40n

// The exact integer a JSON number or string denotes (Java: Long.parseLong, then BigDecimal's exact value).
function exactInteger(json: unknown): bigint | undefined {
  if (typeof json === 'bigint') return json
  if (typeof json === 'number') return Number.isInteger(json) ? BigInt(json) : undefined
  if (typeof json !== 'string') return undefined
  const m = DECIMAL.exec(json)
  if (!m || m[2] + (m[3] ?? '') === '') return undefined
  const fraction = m[3] ?? ''
  let digits = (m[2] + fraction).replace(/^0+/, '')
  let exponent = Number(m[4] ?? 0) - fraction.length
  if (digits === '') return 0n
  if (exponent < 0) {
    const keep = digits.length + exponent
    if (keep <= 0 || /[^0]/.test(digits.slice(keep))) return undefined // a fraction
    digits = digits.slice(0, keep)
    exponent = 0
  }
  const value = exponent > 25 ? BEYOND_64_BITS : BigInt(digits) * 10n ** BigInt(exponent)
  return m[1] === '-' ? -value : value
}

const I32: [bigint, bigint, string] = [-(2n ** 31n), 2n ** 31n - 1n, 'int32']
const U32: [bigint, bigint, string] = [0n, 2n ** 32n - 1n, 'uint32']
const I64: [bigint, bigint, string] = [-(2n ** 63n), 2n ** 63n - 1n, 'int64']
const U64: [bigint, bigint, string] = [0n, 2n ** 64n - 1n, 'uint64']
const integerRanges: Record<string, [bigint, bigint, string]> = {
  int32: I32,
  sint32: I32,
  sfixed32: I32,
  uint32: U32,
  fixed32: U32,
  int64: I64,
  sint64: I64,
  sfixed64: I64,
  uint64: U64,
  fixed64: U64
}

/** The decimal text of a 64-bit value: a protobufjs Long (signed or unsigned, as it says) or a number. */
export const longText = (value: unknown): string =>
  typeof value === 'number' || typeof value === 'string' ? String(value) : (value as { toString(): string }).toString()

/** A 64-bit value as the protobufjs Long its writer takes. */
export function toLong(value: bigint, unsigned: boolean): Long {
  const bits = new protobuf.util.LongBits(Number(BigInt.asUintN(32, value)), Number(BigInt.asUintN(32, value >> 32n)))
  return bits.toLong(unsigned)
}

function readInteger(type: string, json: unknown): number | Long {
  const [min, max, name] = integerRanges[type]
  const value = exactInteger(json)
  if (value === undefined || value < min || value > max) return fail(`Not an ${name} value: ${jsonText(json)}`)
  return max > U32[1] ? toLong(value, name === 'uint64') : Number(value)
}

const FLOATING = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const specialFloats: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity }
const FLOAT_MAX = 3.4028234663852886e38

function readFloating(json: unknown, name: 'float' | 'double'): number {
  if (typeof json === 'string' && Object.hasOwn(specialFloats, json)) return specialFloats[json]
  let value: number
  if (typeof json === 'number') value = json
  else if (typeof json === 'bigint') value = Number(json)
  else if (typeof json === 'string' && FLOATING.test(json)) value = Number(json)
  else return fail(`Not a ${name} value: ${jsonText(json)}`)
  // Java allows a float a little beyond its range (printed floats may round up)
  if (!Number.isFinite(value) || (name === 'float' && Math.abs(value) > FLOAT_MAX * (1 + 1e-6)))
    return fail(`Out of range ${name} value: ${jsonText(json)}`)
  return value
}

function readBool(json: unknown): boolean {
  const text = scalarText(json)
  if (text === 'true' || text === 'false') return text === 'true'
  return fail(`Invalid bool value: ${jsonText(json)}`)
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/

function readBytes(json: unknown): Buffer {
  const text = scalarText(json)
  if (text === undefined || !BASE64.test(text) || text.replace(/=+$/, '').length % 4 === 1)
    return fail(`Not a base64 value: ${jsonText(json)}`)
  return Buffer.from(text, 'base64') // Node decodes both alphabets
}

function readScalar(type: string, json: unknown): unknown {
  switch (type) {
    case 'double':
    case 'float':
      return readFloating(json, type)
    case 'bool':
      return readBool(json)
    case 'string':
      return scalarText(json) ?? fail(`Not a string value: ${jsonText(json)}`)
    case 'bytes':
      return readBytes(json)
    default:
      if (type in integerRanges) return readInteger(type, json)
      return fail(`Unsupported field type ${type}`)
  }
}

const isClosed = (enm: Enum) =>
  (enm as unknown as { _features?: { enum_type?: string } })._features?.enum_type === 'CLOSED'

function readEnum(enm: Enum, json: unknown): number {
  if (json === null && enm.fullName === '.google.protobuf.NullValue') return 0
  const text = scalarText(json)
  if (text !== undefined && Object.hasOwn(enm.values, text)) return enm.values[text]
  const number = exactInteger(json)
  if (number !== undefined && number >= I32[0] && number <= I32[1]) {
    if (!isClosed(enm) || enm.valuesById[Number(number)] !== undefined) return Number(number)
  }
  return fail(`Invalid enum value: ${text ?? jsonText(json)} for enum type: ${fullName(enm)}`)
}

// Fields by JSON name and by proto name, per message type.
const fieldIndexes = new WeakMap<Type, Map<string, Field>>()

function fieldIndex(type: Type): Map<string, Field> {
  let index = fieldIndexes.get(type)
  if (!index) {
    index = new Map()
    for (const field of type.fieldsArray) {
      if (field.declaringField || field.name.startsWith('.')) continue // extensions: not in ProtoJSON's names
      index.set(field.jsonName ?? field.name, field)
      index.set(field.protoName ?? field.name, field)
    }
    fieldIndexes.set(type, index)
  }
  return index
}

const isValue = (type: unknown) => type instanceof Type && type.fullName === '.google.protobuf.Value'
const isNullValue = (type: unknown) => type instanceof Enum && type.fullName === '.google.protobuf.NullValue'
const takesNull = (field: Field) => isValue(field.resolvedType) || isNullValue(field.resolvedType)

function readSingle(field: Field, json: unknown, ctx: Context, path: string): unknown {
  const type = field.resolvedType
  if (type instanceof Type) return readMessage(type, json, ctx, `${path}.`)
  if (type instanceof Enum) return readEnum(type, json)
  return readScalar(field.type, json)
}

function readMapKey(keyType: string, key: string): string {
  if (keyType === 'string') return key
  if (keyType === 'bool') return String(readBool(key))
  return longText(readInteger(keyType, key)) // protobufjs's writer takes integer keys as decimal text
}

function readField(field: Field, json: unknown, ctx: Context, path: string): unknown {
  if (field.map) {
    if (!isObject(json)) return fail(`Expect a map object but found: ${jsonText(json)}`)
    const out = Object.create(null) as Obj // a "__proto__" key is a key like any other
    for (const [key, value] of Object.entries(json)) {
      if (value === null && !takesNull(field)) fail('Map value cannot be null.')
      out[readMapKey((field as unknown as MapField).keyType, key)] = readSingle(field, value, ctx, `${path}[${key}]`)
    }
    return out
  }
  if (field.repeated) {
    if (!Array.isArray(json)) return fail(`Expect an array but found: ${jsonText(json)}`)
    return json.map((item: unknown, i) => {
      if (item === null && !takesNull(field))
        fail(`Repeated field elements cannot be null in field: ${fullName(field)}`)
      return readSingle(field, item, ctx, `${path}[${i}]`)
    })
  }
  return readSingle(field, json, ctx, path)
}

/** Reads a JSON value as a message of `type`; `path` prefixes the names of missing required fields. */
function readMessage(type: Type, json: unknown, ctx: Context, path: string): Obj {
  if (++ctx.depth > RECURSION_LIMIT) fail('Hit recursion limit.')
  try {
    const special = wellKnown[type.fullName]
    if (special) return special(type, json, ctx)
    if (!isObject(json)) return fail(`Expect message object but got: ${jsonText(json)}`)
    const fields = fieldIndex(type)
    const out: Obj = {}
    const seen = new Set<Field>()
    const oneofs = new Map<string, Field>()
    for (const [key, value] of Object.entries(json)) {
      const field = fields.get(key) ?? fail(`Cannot find field: ${key} in message ${fullName(type)}`)
      if (seen.has(field)) fail(`Field ${fullName(field)} has already been set.`)
      seen.add(field)
      if (value === null && (field.repeated || field.map || !takesNull(field))) continue // null: the field stays unset
      if (field.partOf) {
        const other = oneofs.get(field.partOf.name)
        if (other)
          fail(`Cannot set field ${fullName(field)} because another field ${fullName(other)} belonging to the same oneof has already been set.`) // prettier-ignore
        oneofs.set(field.partOf.name, field)
      }
      out[field.name] = readField(field, value, ctx, path + field.name)
    }
    for (const field of type.fieldsArray)
      if (field.required && !Object.hasOwn(out, field.name)) ctx.missing.push(path + field.name)
    return out
  } finally {
    ctx.depth--
  }
}

// --- well-known types ---

type Reader = (type: Type, json: unknown, ctx: Context) => Obj

const secondsNanos = (type: Type, seconds: bigint, nanos: number): Obj => ({
  [protoField(type, 'seconds').name]: toLong(seconds, false),
  [protoField(type, 'nanos').name]: nanos
})

function readValue(type: Type, json: unknown, ctx: Context): Obj {
  const kind = (protoName: string, value: unknown): Obj => ({ [protoField(type, protoName).name]: value })
  const nested = (protoName: string) => protoField(type, protoName).resolvedType as Type
  if (json === null) return kind('null_value', 0)
  if (typeof json === 'boolean') return kind('bool_value', json)
  if (typeof json === 'number' || typeof json === 'bigint') return kind('number_value', Number(json))
  if (typeof json === 'string') return kind('string_value', json)
  if (Array.isArray(json)) return kind('list_value', readMessage(nested('list_value'), json, ctx, ''))
  return kind('struct_value', readMessage(nested('struct_value'), json, ctx, ''))
}

function readAny(type: Type, json: unknown, ctx: Context): Obj {
  if (!isObject(json)) return fail(`Expect message object but got: ${jsonText(json)}`)
  if (Object.keys(json).length === 0) return {}
  const url = json['@type']
  if (typeof url !== 'string') return fail(`Missing type url when parsing: ${jsonText(json)}`)
  const inner = anyType(ctx.root, url) ?? fail(`Cannot resolve type: ${url}`)
  let body: unknown = json.value
  if (!wellKnown[inner.fullName]) {
    const { '@type': _, ...fields } = json
    body = fields
  }
  const message = body === undefined ? {} : readMessage(inner, body, ctx, '')
  return {
    [protoField(type, 'type_url').name]: url,
    [protoField(type, 'value').name]: inner.encode(message).finish()
  }
}

/** The message type an Any's type URL names ("type.googleapis.com/com.acme.Order"), if the schema knows it. */
export function anyType(root: Root, url: string): Type | undefined {
  try {
    return root.lookupType(url.slice(url.lastIndexOf('/') + 1))
  } catch {
    return undefined
  }
}

const wrapper: Reader = (type, json, ctx) => {
  const field = protoField(type, 'value')
  return { [field.name]: readSingle(field, json, ctx, '') }
}

const wellKnown: Record<string, Reader> = {
  '.google.protobuf.Timestamp': (type, json) => {
    const text = scalarText(json)
    const time = text === undefined ? undefined : parseTimestamp(text)
    return time ? secondsNanos(type, time.seconds, time.nanos) : fail(`Failed to parse timestamp: ${jsonText(json)}`)
  },
  '.google.protobuf.Duration': (type, json) => {
    const text = scalarText(json)
    const time = text === undefined ? undefined : parseDuration(text)
    return time ? secondsNanos(type, time.seconds, time.nanos) : fail(`Failed to parse duration: ${jsonText(json)}`)
  },
  '.google.protobuf.FieldMask': (type, json) => {
    const text = scalarText(json) ?? fail(`Failed to parse field mask: ${jsonText(json)}`)
    return { [protoField(type, 'paths').name]: parseFieldMask(text) }
  },
  '.google.protobuf.Struct': (type, json, ctx) => {
    const field = protoField(type, 'fields')
    return { [field.name]: readField(field, json, ctx, '') }
  },
  '.google.protobuf.ListValue': (type, json, ctx) => {
    const field = protoField(type, 'values')
    return { [field.name]: readField(field, json, ctx, '') }
  },
  '.google.protobuf.Value': readValue,
  '.google.protobuf.Any': readAny,
  ...Object.fromEntries(
    ['Double', 'Float', 'Int64', 'UInt64', 'Int32', 'UInt32', 'Bool', 'String', 'Bytes'].map(name => [
      `.google.protobuf.${name}Value`,
      wrapper
    ])
  )
}

/** Reads the JSON form of a message of `type` (the root holds every type the schema knows, for Any). */
export function messageFromJson(type: Type, json: unknown, root: Root): Obj {
  const ctx: Context = { root, depth: 0, missing: [] }
  const message = readMessage(type, json, ctx, '')
  if (ctx.missing.length > 0) fail(`Message missing required fields: ${ctx.missing.join(', ')}`)
  return message
}

// Avro data in the JSON form Confluent's REST Proxy uses, both ways. Upstream converts with Avro's own JSON
// encoding (JsonDecoder on produce, JsonEncoder on consume, generic data, no logical-type conversions), so:
// - a union is null or {"<branch>": value}, the branch named by its type: "string", "long", or a named type's
//   full name ("com.acme.Money");
// - bytes and fixed are strings whose code points 0-255 are the bytes ("\u0000\u00ff");
// - enums are their symbol; records are objects with every field (a missing field takes its default, if any;
//   an unknown field is an error); maps are objects; logical types appear as their underlying type (a
//   decimal as its bytes, a timestamp-millis as a long, a uuid as a string);
// - float/double also accept "NaN", "Infinity" and "-Infinity" (JSON has no such numbers), and are written so.
// Longs are BigInt inside (avsc's default long refuses values beyond 2^53), so consumed longs print exactly.
import avro from 'avsc'
import { type ReferencedSchema, type SchemaCodec, SchemaDataError, SchemaParseError } from './schema-codec.ts'

export interface AvroCodec extends SchemaCodec {
  readonly type: avro.Type
}

const bigLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.allocUnsafe(8)
    buf.writeBigInt64LE(n)
    return buf
  },
  fromJSON: (json: unknown) => BigInt(json as number),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1)
})

// The registry entry covers "long" written as a name; a {"type":"long", ...} object (a logical type) comes here.
const longHook = (schema: avro.Schema): avro.Type | undefined =>
  typeof schema === 'object' && (schema as { type?: unknown }).type === 'long' ? bigLong : undefined

/**
 * Parses a schema; `references` are the texts of the schemas it refers to (Schema Registry references), in an
 * order where each comes after the ones it needs: their named types become known to the main schema.
 */
export function parseAvroSchema(schema: string, references: readonly ReferencedSchema[] = []): AvroCodec {
  const registry: Record<string, avro.Type> = { long: bigLong }
  const parse = (text: string) => {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (error) {
      throw new SchemaParseError(`Schema is not JSON: ${(error as Error).message}`, { cause: error })
    }
    try {
      return avro.Type.forSchema(json as avro.Schema, { wrapUnions: true, registry, typeHook: longHook })
    } catch (error) {
      throw new SchemaParseError((error as Error).message, { cause: error })
    }
  }
  for (const reference of references) parse(reference.schema)
  const type = parse(schema)
  const toAvro = compile(type, toAvroOf)
  const toJson = compile(type, toJsonOf)
  return {
    type,
    // unnamed schemas are named by their type, as Avro's getFullName() ("long", "union", "array")
    name: type.name ?? type.typeName.replace(/^abstract:/, '').replace(/:.*$/, ''),
    encode(data) {
      const value = toAvro(data, '')
      try {
        return toBuffer(type, value)
      } catch (error) {
        throw new SchemaDataError((error as Error).message, { cause: error })
      }
    },
    decode(bytes) {
      let value: unknown
      try {
        value = type.fromBuffer(bytes)
      } catch (error) {
        throw new SchemaDataError(`Not an Avro datum of the schema: ${(error as Error).message}`, { cause: error })
      }
      return toJson(value)
    }
  }
}

// avsc's toBuffer writes into a 1 KiB scratch buffer and writes a larger datum a second time; ours grows to the
// largest datum seen (up to a cap), so each datum is written once and copied out.
let scratch = Buffer.allocUnsafeSlow(4096)
const MAX_SCRATCH = 1 << 20

function toBuffer(type: avro.Type, value: unknown): Buffer {
  let end = type.encode(value, scratch, 0)
  if (end < 0) {
    const needed = scratch.length - end
    if (needed > MAX_SCRATCH) return type.toBuffer(value)
    scratch = Buffer.allocUnsafeSlow(Math.max(needed, scratch.length * 2))
    end = type.encode(value, scratch, 0)
  }
  return Buffer.from(scratch.subarray(0, end))
}

// One function per type, built once; recursive schemas refer to the function being built through a stub.
type Compiler<F> = (type: avro.Type, sub: (type: avro.Type) => F) => F

function compile<F extends (...args: never[]) => unknown>(root: avro.Type, of: Compiler<F>): F {
  const built = new Map<avro.Type, F>()
  const sub = (type: avro.Type): F => {
    const known = built.get(type)
    if (known) return known
    const slot: { target?: F } = {}
    built.set(type, ((...args: Parameters<F>) => slot.target!(...args)) as F)
    slot.target = of(type, sub)
    built.set(type, slot.target)
    return slot.target
  }
  return sub(root)
}

// Jackson's token names, as Avro's JsonDecoder reports a mismatch ("Expected int. Got VALUE_STRING").
function token(value: unknown): string {
  if (value === null) return 'VALUE_NULL'
  if (Array.isArray(value)) return 'START_ARRAY'
  switch (typeof value) {
    case 'string':
      return 'VALUE_STRING'
    case 'boolean':
      return value ? 'VALUE_TRUE' : 'VALUE_FALSE'
    case 'number':
    case 'bigint':
      return Number.isInteger(value) || typeof value === 'bigint' ? 'VALUE_NUMBER_INT' : 'VALUE_NUMBER_FLOAT'
    case 'object':
      return 'START_OBJECT'
    default:
      return 'NOT_AVAILABLE'
  }
}

type ToAvro = (data: unknown, path: string) => unknown

function fail(expected: string, data: unknown, path: string): never {
  throw new SchemaDataError(`Expected ${expected}. Got ${token(data)}${path ? ` (at ${path})` : ''}`)
}

const specialFloats: Record<string, number> = {
  NaN: NaN,
  Infinity: Infinity,
  INF: Infinity,
  '-Infinity': -Infinity,
  '-INF': -Infinity
}

function latin1(data: unknown, what: string, path: string): Buffer {
  if (typeof data !== 'string') fail(what, data, path)
  for (let i = 0; i < data.length; i++) {
    if (data.charCodeAt(i) > 0xff) {
      throw new SchemaDataError(
        `Expected ${what} as code points 0-255, got U+${data.charCodeAt(i).toString(16)} at ${path || 'top level'}`
      )
    }
  }
  return Buffer.from(data, 'latin1')
}

const isObject = (data: unknown): data is Record<string, unknown> =>
  typeof data === 'object' && data !== null && !Array.isArray(data)

const toAvroOf: Compiler<ToAvro> = (type, sub) => {
  const name = type.typeName
  switch (name) {
    case 'null':
      return (data, path) => (data === null ? null : fail('null', data, path))
    case 'boolean':
      return (data, path) => (typeof data === 'boolean' ? data : fail('boolean', data, path))
    case 'int':
      return (data, path) =>
        typeof data === 'number' && Number.isInteger(data) && data >= -0x80000000 && data <= 0x7fffffff
          ? data
          : fail('int', data, path)
    case 'abstract:long': // every long is bigLong (see longHook)
      return (data, path) => {
        if (typeof data === 'bigint') return data
        return typeof data === 'number' && Number.isInteger(data) ? BigInt(data) : fail('long', data, path)
      }
    case 'float':
    case 'double':
      return (data, path) => {
        if (typeof data === 'number') return data
        if (typeof data === 'string' && data in specialFloats) return specialFloats[data]
        return fail(name, data, path)
      }
    case 'string':
      return (data, path) => (typeof data === 'string' ? data : fail('string', data, path))
    case 'bytes':
      return (data, path) => latin1(data, 'bytes', path)
    case 'fixed': {
      const size = (type as avro.types.FixedType).size
      return (data, path) => {
        const bytes = latin1(data, 'fixed', path)
        if (bytes.length !== size) throw new SchemaDataError(`Expected fixed length ${size}, but got ${bytes.length}`)
        return bytes
      }
    }
    case 'enum': {
      const symbols = new Set((type as avro.types.EnumType).symbols)
      return (data, path) => {
        if (typeof data !== 'string') fail('enum', data, path)
        if (!symbols.has(data)) throw new SchemaDataError(`Unknown symbol in enum ${type.name}: ${data}`)
        return data
      }
    }
    case 'array': {
      const items = sub((type as avro.types.ArrayType).itemsType)
      return (data, path) =>
        Array.isArray(data) ? data.map((item, i) => items(item, `${path}[${i}]`)) : fail('array', data, path)
    }
    case 'map': {
      const values = sub((type as avro.types.MapType).valuesType as avro.Type)
      return (data, path) => {
        if (!isObject(data)) fail('map', data, path)
        const out: Record<string, unknown> = {}
        for (const [key, value] of Object.entries(data)) out[key] = values(value, `${path}.${key}`)
        return out
      }
    }
    case 'record':
    case 'error': {
      const fields = (type as avro.types.RecordType).fields.map(field => ({
        name: field.name,
        convert: sub(field.type),
        fallback: () => field.defaultValue() as unknown
      }))
      const known = new Set(fields.map(f => f.name))
      return (data, path) => {
        if (!isObject(data)) fail('record', data, path)
        const out: Record<string, unknown> = {}
        for (const field of fields) {
          if (Object.hasOwn(data, field.name))
            out[field.name] = field.convert(data[field.name], `${path}.${field.name}`)
          else {
            const fallback = field.fallback()
            if (fallback === undefined) throw new SchemaDataError(`Expected field name not found: ${field.name}`)
            out[field.name] = fallback
          }
        }
        const unknown = Object.keys(data).filter(key => !known.has(key))
        if (unknown.length > 0)
          throw new SchemaDataError(`Unknown fields in record ${type.name}: ${unknown.join(', ')}`)
        return out
      }
    }
    case 'union:wrapped': {
      const branches = new Map(
        (type as avro.types.WrappedUnionType).types.map(branch => [branch.branchName!, sub(branch)] as const)
      )
      return (data, path) => {
        if (data === null) return branches.has('null') ? null : fail('start-union', data, path)
        if (!isObject(data)) fail('start-union', data, path)
        const keys = Object.keys(data)
        if (keys.length !== 1)
          throw new SchemaDataError(`A union value is one {"<type>": value}, got ${keys.length} keys`)
        const convert = branches.get(keys[0])
        if (!convert || keys[0] === 'null') throw new SchemaDataError(`Unknown union branch ${keys[0]}`)
        return { [keys[0]]: convert(data[keys[0]], `${path}.${keys[0]}`) }
      }
    }
    default:
      throw new SchemaParseError(`Unsupported Avro type ${name}`)
  }
}

type ToJson = (value: unknown) => string

// Java writes a float as its shortest decimal (0.1f → 0.1); a JS number holding it prints 0.10000000149011612.
function float32(value: number): string {
  if (!Number.isFinite(value)) return JSON.stringify(String(value))
  for (let digits = 1; digits < 9; digits++) {
    const text = value.toPrecision(digits)
    if (Math.fround(Number(text)) === value) return String(Number(text))
  }
  return String(value)
}

const double = (value: number) => (Number.isFinite(value) ? String(value) : JSON.stringify(String(value)))

const toJsonOf: Compiler<ToJson> = (type, sub) => {
  switch (type.typeName) {
    case 'null':
      return () => 'null'
    case 'boolean':
    case 'int':
    case 'abstract:long':
      return value => String(value)
    case 'float':
      return value => float32(value as number)
    case 'double':
      return value => double(value as number)
    case 'string':
    case 'enum':
      return value => JSON.stringify(value)
    case 'bytes':
    case 'fixed':
      return value => JSON.stringify((value as Buffer).toString('latin1'))
    case 'array': {
      const items = sub((type as avro.types.ArrayType).itemsType)
      return value => `[${(value as unknown[]).map(items).join(',')}]`
    }
    case 'map': {
      const values = sub((type as avro.types.MapType).valuesType as avro.Type)
      return value =>
        `{${Object.entries(value as Record<string, unknown>)
          .map(([k, v]) => `${JSON.stringify(k)}:${values(v)}`)
          .join(',')}}`
    }
    case 'record':
    case 'error': {
      const fields = (type as avro.types.RecordType).fields.map(
        f => [JSON.stringify(f.name), f.name, sub(f.type)] as const
      )
      return value => {
        const record = value as Record<string, unknown>
        return `{${fields.map(([key, name, write]) => `${key}:${write(record[name])}`).join(',')}}`
      }
    }
    case 'union:wrapped': {
      const branches = new Map(
        (type as avro.types.WrappedUnionType).types.map(branch => [branch.branchName!, sub(branch)] as const)
      )
      return value => {
        if (value === null) return 'null'
        const key = Object.keys(value as object)[0]
        return `{${JSON.stringify(key)}:${branches.get(key)!((value as Record<string, unknown>)[key])}}`
      }
    }
    default:
      throw new SchemaParseError(`Unsupported Avro type ${type.typeName}`)
  }
}

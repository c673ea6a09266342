// Protobuf schemas (.proto text, proto2, proto3 or editions) parsed at run time with protobufjs, and the codec of
// their data in the JSON form Confluent's REST Proxy uses (protobuf-from-json.ts, protobuf-to-json.ts).
// - Imports: a schema imports its Schema Registry references by their reference name (`import "other.proto";`
//   for a reference named "other.proto"); the well-known types (google/protobuf/{any,duration,empty,field_mask,
//   struct,timestamp,wrappers}.proto), descriptor.proto and Confluent's confluent/meta.proto and
//   confluent/type/decimal.proto need no reference, as in Confluent's registry and serializers (protobuf-known.ts).
// - The message a produce writes is the file's first top-level message, as Confluent's ProtobufSchema, so its
//   message indexes are [0]; `name` is its full name (package + name), which the RECORD_NAME strategies use.
// - A consumed record's message indexes pick its message: the path of indexes among the (nested) messages of
//   the file, counting declared messages only (not enums, groups or the entry types of map fields), as Java's
//   ProtobufSchema does. (Descriptor-based clients, e.g. Python's and Go's, count map entry types, so for a
//   message nested after a map field their indexes differ from Java's; we follow Java, as the REST Proxy does.)
import protobuf, { type Root, Type } from 'protobufjs'
import { fullName, messageFromJson } from './protobuf-from-json.ts'
import { knownFile } from './protobuf-known.ts'
import { writeMessage } from './protobuf-to-json.ts'
import { type ReferencedSchema, type SchemaCodec, SchemaDataError, SchemaParseError } from './schema-codec.ts'

export interface ProtobufCodec extends SchemaCodec {
  readonly root: Root
  /** The message a produce writes: the first message of the file. */
  readonly type: Type
}

const isMessage = (object: unknown): object is Type =>
  object instanceof Type && !(object as Type & { group?: boolean }).group // a proto2 group is a field's type

const messagesIn = (parent: protobuf.NamespaceBase): Type[] => parent.nestedArray.filter(isMessage)

function parse(text: string, root: Root, file: string | null): protobuf.IParserResult {
  const parser = protobuf.parse as typeof protobuf.parse & { filename: string | null }
  parser.filename = file // names the file in syntax errors of imported schemas
  try {
    return protobuf.parse(text, root, { keepCase: true })
  } catch (error) {
    throw new SchemaParseError((error as Error).message, { cause: error })
  } finally {
    parser.filename = null
  }
}

/**
 * Parses a .proto schema; `references` are the schemas it imports (by reference name), each after the ones it
 * needs. Throws SchemaParseError for a schema that does not parse, imports an unknown file or has no message.
 */
export function parseProtobufSchema(schema: string, references: readonly ReferencedSchema[] = []): ProtobufCodec {
  const texts = new Map(references.map(reference => [reference.name, reference.schema]))
  const root = new protobuf.Root()
  const main = parse(schema, root, null)
  // nothing else is loaded yet: the main file's namespace holds its own messages only, in declaration order
  const namespace = main.package ? root.lookup(main.package) : root
  const topLevel = namespace && 'nestedArray' in namespace ? messagesIn(namespace) : []

  const loaded = new Set<string>()
  const loadImports = (parsed: protobuf.IParserResult) => {
    const weak = parsed.weakImports ?? []
    for (const name of [...(parsed.imports ?? []), ...weak]) {
      if (loaded.has(name)) continue
      loaded.add(name)
      const referenced = texts.get(name)
      const known = referenced === undefined ? knownFile(name) : undefined
      if (referenced !== undefined) loadImports(parse(referenced, root, name))
      else if (known && 'json' in known) root.addJSON(known.json.nested ?? {})
      else if (known) loadImports(parse(known.text, root, name))
      else if (!weak.includes(name))
        throw new SchemaParseError(`Import "${name}" is neither a schema reference nor a well-known type`)
    }
  }
  loadImports(main)
  try {
    root.resolveAll()
  } catch (error) {
    throw new SchemaParseError((error as Error).message, { cause: error })
  }
  const type = topLevel[0]
  if (!type) throw new SchemaParseError('Protobuf schema definition contains no message type definitions')
  return codecOf(root, type, topLevel)
}

function codecOf(root: Root, type: Type, topLevel: Type[]): ProtobufCodec {
  const byIndexes = new Map<string, Type>()
  const typeAt = (indexes: readonly number[]): Type => {
    const key = indexes.join(',')
    let found = byIndexes.get(key)
    if (!found) {
      let candidates = topLevel
      for (const index of indexes) {
        found = candidates[index]
        if (!found) throw new SchemaDataError(`Invalid message indexes: [${key}]`)
        candidates = messagesIn(found)
      }
      if (!found) throw new SchemaDataError('Invalid message indexes: []')
      byIndexes.set(key, found)
    }
    return found
  }

  return {
    root,
    type,
    name: fullName(type),
    messageIndexes: [0],
    encode(data) {
      const message = messageFromJson(type, data, root)
      try {
        const bytes = type.encode(message).finish() // a Buffer in Node (protobufjs's BufferWriter)
        return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
      } catch (error) {
        throw new SchemaDataError((error as Error).message, { cause: error })
      }
    },
    decode(payload, messageIndexes = [0]) {
      const target = typeAt(messageIndexes)
      let message
      try {
        message = target.decode(payload)
      } catch (error) {
        throw new SchemaDataError(`Not a Protobuf ${fullName(target)}: ${(error as Error).message}`, { cause: error })
      }
      return writeMessage(target, message, root)
    }
  }
}

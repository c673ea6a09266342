// Which parser handles which registry schema type. A format not listed here answers "not supported".
import { parseAvroSchema } from './avro.ts'
import { parseJsonSchema } from './json-schema.ts'
import { parseProtobufSchema } from './protobuf.ts'
import { type SchemaParser } from './schema-codec.ts'
import { type SchemaType } from './schema-registry.ts'

export const schemaParsers: Partial<Record<SchemaType, SchemaParser>> = {
  AVRO: (schema, references) => parseAvroSchema(schema, references),
  JSON: (schema, references) => parseJsonSchema(schema, references),
  PROTOBUF: (schema, references) => parseProtobufSchema(schema, references)
}

// The files a .proto schema may import without a Schema Registry reference, as Confluent's registry and
// serializers know them: the well-known types (protobufjs bundles them as protobuf.common), descriptor.proto (for
// custom options), and Confluent's own confluent/meta.proto (doc/params/tags options) and
// confluent/type/decimal.proto. A reference of the same name takes precedence (the caller looks there first).
import protobuf from 'protobufjs'
import descriptor from 'protobufjs/google/protobuf/descriptor.json' with { type: 'json' }

/** A known file: protobufjs's JSON definition of it, or its .proto text. */
export type KnownFile = { json: protobuf.INamespace } | { text: string }

const bundled = protobuf.common as unknown as Record<string, protobuf.INamespace | undefined>

// Confluent's definitions (io.confluent.protobuf), field numbers as Confluent's serializers write them.
const confluent: Record<string, string> = {
  'confluent/meta.proto': `syntax = "proto3";
package confluent;
import "google/protobuf/descriptor.proto";
message Meta { string doc = 1; map<string, string> params = 2; repeated string tags = 3; }
extend google.protobuf.FileOptions { Meta file_meta = 1088; }
extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }
`,
  'confluent/type/decimal.proto': `syntax = "proto3";
package confluent.type;
message Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }
`
}

export function knownFile(name: string): KnownFile | undefined {
  if (name === 'google/protobuf/descriptor.proto') return { json: descriptor }
  const common = Object.hasOwn(bundled, name) ? bundled[name] : undefined
  if (common) return { json: common }
  return Object.hasOwn(confluent, name) ? { text: confluent[name] } : undefined
}

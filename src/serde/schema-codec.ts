// The contract every schema format (Avro, Protobuf, JSON Schema) implements, so the schema service and the
// consumers handle them alike. A codec is one parsed schema: it turns the JSON form a REST request carries into
// the payload of a Confluent frame, and a payload back into JSON text. Parsing is done once per schema (cached by
// registry id or raw text); encode/decode are the hot path.

/** The schema text is not a valid schema of its format (→ 42205). */
export class SchemaParseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'SchemaParseError'
  }
}

/** The data does not fit the schema (→ 400 producing) or the bytes are not a datum of it (→ 40801 consuming). */
export class SchemaDataError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'SchemaDataError'
  }
}

/** A schema a schema refers to (Schema Registry references): its import name and its text. */
export interface ReferencedSchema {
  name: string
  schema: string
}

export interface SchemaCodec {
  /**
   * The name the RECORD_NAME and TOPIC_RECORD_NAME strategies use: an Avro named type's full name, a Protobuf
   * message's full name, a JSON Schema's title.
   */
  readonly name: string | undefined
  /** Protobuf only: the message indexes written into the frame before the payload ([0]: the first message). */
  readonly messageIndexes?: readonly number[]
  /** JSON form → payload bytes (without the wire-format header). Throws SchemaDataError. */
  encode(data: unknown): Buffer
  /** Payload bytes → JSON text. `messageIndexes` (Protobuf) pick the message type. Throws SchemaDataError. */
  decode(payload: Buffer, messageIndexes?: readonly number[]): string
}

/**
 * Parses a schema's text. `references` are the schemas it refers to, each after the ones it needs (depth first);
 * Avro uses their named types, Protobuf imports them by name. Throws SchemaParseError.
 */
export type SchemaParser = (schema: string, references: readonly ReferencedSchema[]) => SchemaCodec

// Confluent's wire format for schema'd records, as its serializers write it and its deserializers expect it:
//   byte 0      magic byte 0
//   bytes 1-4   schema id, int32 big-endian
//   Protobuf only: the message indexes, the path to the message type within the .proto file (for each nesting
//               level, the index of the message among its siblings); an array of zig-zag varints prefixed by its
//               length, the common [0] (first top-level message) shortened to the single byte 0x00
//   rest        the payload (Avro binary, Protobuf binary, or JSON text)
import { readVarInt, varintEnd } from './varint.ts'

export const MAGIC_BYTE = 0
const HEADER_BYTES = 5

/** Bytes that are not a well-formed Confluent frame (the consumer answers 40801 for them). */
export class WireFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WireFormatError'
  }
}

export interface Framed {
  schemaId: number
  /** Present for Protobuf frames only. */
  messageIndexes?: number[]
  payload: Buffer
}

/** magic byte + schema id (+ message indexes when given) + payload. */
export function frame(schemaId: number, payload: Buffer, messageIndexes?: readonly number[]): Buffer {
  const indexes = messageIndexes ? encodeMessageIndexes(messageIndexes) : Buffer.alloc(0)
  const header = Buffer.allocUnsafe(HEADER_BYTES)
  header.writeUInt8(MAGIC_BYTE, 0)
  header.writeInt32BE(schemaId, 1)
  return Buffer.concat([header, indexes, payload], HEADER_BYTES + indexes.length + payload.length)
}

/** Splits a record's bytes; `protobuf` reads the message indexes after the schema id. */
export function unframe(bytes: Buffer, protobuf = false): Framed {
  if (bytes.length < HEADER_BYTES) {
    throw new WireFormatError(`Record of ${bytes.length} bytes is too short for the Confluent wire format`)
  }
  if (bytes[0] !== MAGIC_BYTE) throw new WireFormatError('Unknown magic byte!') // the Java deserializer's text
  const schemaId = bytes.readInt32BE(1)
  if (!protobuf) return { schemaId, payload: bytes.subarray(HEADER_BYTES) }
  const { indexes, next } = decodeMessageIndexes(bytes, HEADER_BYTES)
  return { schemaId, messageIndexes: indexes, payload: bytes.subarray(next) }
}

export function encodeMessageIndexes(indexes: readonly number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0])
  const bytes: number[] = []
  writeZigZag(bytes, indexes.length)
  for (const index of indexes) writeZigZag(bytes, index)
  return Buffer.from(bytes)
}

export function decodeMessageIndexes(bytes: Buffer, offset: number): { indexes: number[]; next: number } {
  let position = offset
  const read = (): number => {
    const { value, next } = readZigZag(bytes, position)
    position = next
    return value
  }
  const count = read()
  if (count === 0) return { indexes: [0], next: position }
  // each index takes at least one byte: a larger count is corrupt, not a reason to allocate
  if (count < 0 || count > bytes.length - position) {
    throw new WireFormatError(`Invalid message index count ${count} in a Protobuf record`)
  }
  const indexes: number[] = []
  for (let i = 0; i < count; i++) {
    const index = read()
    if (index < 0) throw new WireFormatError(`Invalid message index ${index} in a Protobuf record`)
    indexes.push(index)
  }
  return { indexes, next: position }
}

// Java's ByteUtils.writeVarint/readVarint: 32-bit zig-zag, at most 5 bytes; reading refuses what varint.ts lets
// pass (bytes that end inside the varint, or a fifth byte that says more follow).
function writeZigZag(out: number[], value: number): void {
  let v = ((value << 1) ^ (value >> 31)) >>> 0
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80)
    v >>>= 7
  }
  out.push(v)
}

function readZigZag(bytes: Buffer, offset: number): { value: number; next: number } {
  const value = readVarInt(bytes, offset)
  const next = varintEnd()
  if (next > bytes.length) throw new WireFormatError('Truncated message indexes in a Protobuf record')
  if (bytes[next - 1] & 0x80) throw new WireFormatError('Invalid varint in the message indexes of a Protobuf record')
  return { value, next }
}

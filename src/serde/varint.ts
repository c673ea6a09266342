// Kafka's zigzag varints (Java's ByteUtils.readVarint / readVarlong), read from a Buffer without allocating: each
// reader returns the value, and varintEnd() says where it ended. Lenient by design: past the end of the bytes a
// reader stops and varintEnd() lies beyond them, and a varint longer than its width stops at the width (5 or 10
// bytes); callers that must refuse such bytes check varintEnd() and the last byte read.

// Where the varint just read ended (module state, so the readers return one number without allocating).
let after = 0

/** Where the varint read last ended. */
export const varintEnd = (): number => after

export function readVarInt(b: Buffer, i: number): number {
  let value = 0
  let shift = 0
  let byte
  do {
    byte = b[i++]
    value |= (byte & 0x7f) << shift
    shift += 7
  } while (byte & 0x80 && shift < 35)
  after = i
  return (value >>> 1) ^ -(value & 1)
}

// A zigzag varint of up to 64 bits, as a number (exact up to 2^53).
export function readVarLong(b: Buffer, i: number): number {
  let value = 0
  let scale = 1
  let byte
  do {
    byte = b[i++]
    value += (byte & 0x7f) * scale
    scale *= 128
  } while (byte & 0x80 && scale < 2 ** 70)
  after = i
  return value % 2 === 1 ? -(value + 1) / 2 : value / 2
}

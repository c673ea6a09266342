// A consumed record as a view into the bytes of a Fetch answer (kafka/fetched-records.ts decodes the view), and
// what reads those bytes: Kafka's zigzag varints, the key, the value and the headers.
import { type ConsumedRecord } from '../model/consumer.ts'

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

const bytesAt = (data: Buffer, start: number, length: number) =>
  length < 0 ? null : data.subarray(start, start + length)

export const keyOf = (r: ConsumedRecord): Buffer | null => bytesAt(r.data, r.keyStart, r.keyLength)
export const valueOf = (r: ConsumedRecord): Buffer | null => bytesAt(r.data, r.valueStart, r.valueLength)

export function headersOf(r: ConsumedRecord): [Buffer | null, Buffer | null][] {
  const headers: [Buffer | null, Buffer | null][] = []
  let at = r.headersStart
  for (let i = 0; i < r.headerCount; i++) {
    const nameLength = readVarInt(r.data, at)
    const name = bytesAt(r.data, after, nameLength)
    const valueLength = readVarInt(r.data, after + Math.max(nameLength, 0))
    headers.push([name, bytesAt(r.data, after, valueLength)])
    at = after + Math.max(valueLength, 0)
  }
  return headers
}

// A consumed record as a view into the bytes of a Fetch answer (kafka/fetched-records.ts decodes the view): its
// key, value and headers.
import { type ConsumedRecord } from '../model/consumer.ts'
import { readVarInt, varintEnd } from './varint.ts'

const bytesAt = (data: Buffer, start: number, length: number) =>
  length < 0 ? null : data.subarray(start, start + length)

export const keyOf = (r: ConsumedRecord): Buffer | null => bytesAt(r.data, r.keyStart, r.keyLength)
export const valueOf = (r: ConsumedRecord): Buffer | null => bytesAt(r.data, r.valueStart, r.valueLength)

export function headersOf(r: ConsumedRecord): [Buffer | null, Buffer | null][] {
  const headers: [Buffer | null, Buffer | null][] = []
  let at = r.headersStart
  for (let i = 0; i < r.headerCount; i++) {
    const nameLength = readVarInt(r.data, at)
    const name = bytesAt(r.data, varintEnd(), nameLength)
    const valueLength = readVarInt(r.data, varintEnd() + Math.max(nameLength, 0))
    headers.push([name, bytesAt(r.data, varintEnd(), valueLength)])
    at = varintEnd() + Math.max(valueLength, 0)
  }
  return headers
}

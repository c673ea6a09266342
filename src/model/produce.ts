import { type RestError } from '../errors/rest-error.ts'

// One record on its way to Kafka, already serialized. `partition` absent = chosen by key (Java's murmur2) or,
// for a null key, by the sticky partitioner.
export interface OutgoingRecord {
  key: Buffer | null
  value: Buffer | null
  partition?: number
  headers?: [string, Buffer | null][]
  timestamp?: number
}

export type RecordResult =
  { ok: true; partition: number; offset: bigint; timestamp: number } | { ok: false; error: RestError }

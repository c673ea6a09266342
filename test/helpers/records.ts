// Consumed records for unit tests, made the way a read gets them: encoded into a record batch by the Kafka
// client's own encoder, then decoded by our fetched-records cursor.
import { createRecordsBatch } from '@platformatic/kafka'
import { readBatches, RecordCursor } from '../../src/kafka/fetched-records.ts'
import { type ConsumedRecord } from '../../src/model/consumer.ts'

export interface PlainRecord {
  key?: Buffer | null
  value?: Buffer | null
  timestamp?: number
  headers?: Map<Buffer, Buffer | null>
}

/** The bytes of one record batch (magic 2) holding `records` from `firstOffset`. */
export function batchBytes(records: PlainRecord[], firstOffset = 0, compression?: string): Buffer {
  const messages = records.map(r => ({
    topic: 't',
    key: r.key === undefined ? null : r.key,
    value: r.value === undefined ? null : r.value,
    timestamp: BigInt(r.timestamp ?? 1_700_000_000_000),
    headers: r.headers
  }))
  const bytes = Buffer.from(createRecordsBatch(messages as never, { compression } as never).buffer)
  bytes.writeBigInt64BE(BigInt(firstOffset), 0)
  return bytes
}

/** A cursor over `records` from `firstOffset`, as a partition's buffer holds them after a fetch. */
export function cursorOf(topic: string, partition: number, records: PlainRecord[], firstOffset = 0): RecordCursor {
  const cursor = new RecordCursor(topic, partition)
  if (records.length > 0) cursor.append(readBatches(batchBytes(records, firstOffset)), firstOffset)
  return cursor
}

/** One consumed record (a view: copy what you keep before making the next). */
export function consumedRecord(over: PlainRecord & { topic?: string; partition?: number; offset?: number } = {}) {
  const record = cursorOf(over.topic ?? 't', over.partition ?? 0, [over], over.offset ?? 0).peek()
  return record as ConsumedRecord
}

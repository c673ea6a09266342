import assert from 'node:assert/strict'
import { test } from 'node:test'
import { readBatches, RecordCursor, recordsOf } from '../../../src/kafka/fetched-records.ts'
import { headersOf, keyOf, valueOf } from '../../../src/serde/record-view.ts'
import { batchBytes, type PlainRecord } from '../../helpers/records.ts'

interface Seen {
  offset: number
  timestamp: number
  key: string | null
  value: string | null
  headers: [string | null, string | null][]
}

function readAll(cursor: RecordCursor): Seen[] {
  const seen: Seen[] = []
  for (let r = cursor.peek(); r; r = cursor.peek()) {
    seen.push({
      offset: r.offset,
      timestamp: r.timestamp,
      key: keyOf(r)?.toString() ?? null,
      value: valueOf(r)?.toString() ?? null,
      headers: headersOf(r).map(([n, v]) => [n?.toString() ?? null, v?.toString() ?? null])
    })
    cursor.next()
  }
  return seen
}

const plain = (key: string | null, value: string | null, timestamp = 1000): PlainRecord => ({
  key: key === null ? null : Buffer.from(key),
  value: value === null ? null : Buffer.from(value),
  timestamp
})

function withAttributes(bytes: Buffer, set: number, maxTimestamp?: number): Buffer {
  bytes.writeInt16BE(bytes.readInt16BE(21) | set, 21)
  if (maxTimestamp !== undefined) bytes.writeBigInt64BE(BigInt(maxTimestamp), 35)
  return bytes
}

test('records decode from the batch bytes: offsets, timestamps, null and empty keys/values, headers', () => {
  const bytes = batchBytes(
    [
      plain('k1', 'v1', 1000),
      plain(null, null, 999),
      plain('', 'x'.repeat(300), 5000),
      { ...plain('h', 'v'), headers: new Map([[Buffer.from('n'), null], [Buffer.from(''), Buffer.from('é')]]) } // prettier-ignore
    ],
    40
  )
  const cursor = new RecordCursor('t', 0)
  cursor.append(readBatches(bytes), 40)
  assert.deepEqual(readAll(cursor), [
    { offset: 40, timestamp: 1000, key: 'k1', value: 'v1', headers: [] },
    { offset: 41, timestamp: 999, key: null, value: null, headers: [] },
    { offset: 42, timestamp: 5000, key: '', value: 'x'.repeat(300), headers: [] },
    { offset: 43, timestamp: 1000, key: 'h', value: 'v', headers: [['n', null], ['', 'é']] } // prettier-ignore
  ])
  assert.equal(cursor.empty, true)
})

test('records before the offset asked for and control batches are skipped; a cut-off last batch is left out', () => {
  const control = withAttributes(batchBytes([{ key: Buffer.from([0, 0, 0, 1]), value: Buffer.alloc(6) }], 3), 0x20)
  const bytes = Buffer.concat([
    batchBytes([plain('a', '0'), plain('b', '1'), plain('c', '2')], 0),
    control,
    batchBytes([plain('d', '4')], 4),
    batchBytes([plain('e', '5')], 5).subarray(0, 40)
  ])
  const batches = readBatches(bytes)
  assert.equal(batches.length, 3)
  // the control batch keeps its marker's key for the client's read_committed filter
  assert.deepEqual(batches[1].records[0].key, Buffer.from([0, 0, 0, 1]))
  const result = recordsOf('t', { partitionIndex: 0, errorCode: 0, records: batches }, 1n)
  assert.ok(!result.error)
  assert.equal(result.next, 5n)
  const cursor = new RecordCursor('t', 0)
  cursor.append(result.batches, 1)
  assert.deepEqual(
    readAll(cursor).map(r => `${r.offset}:${r.key}`),
    ['1:b', '2:c', '4:d']
  )
})

test('compressed batches are decompressed once and read the same', () => {
  const records = Array.from({ length: 50 }, (_, i) => plain(`k${i}`, `value ${i} `.repeat(5), 1000 + i))
  for (const compression of ['gzip', 'snappy', 'lz4', 'zstd']) {
    const cursor = new RecordCursor('t', 0)
    cursor.append(readBatches(batchBytes(records, 7, compression)), 7)
    const seen = readAll(cursor)
    assert.equal(seen.length, 50, compression)
    assert.deepEqual(seen[49], { offset: 56, timestamp: 1049, key: 'k49', value: 'value 49 '.repeat(5), headers: [] })
  }
})

test('log-append-time batches give every record the batch time', () => {
  const bytes = withAttributes(batchBytes([plain('a', '1', 5), plain('b', '2', 6)]), 0x08, 1234)
  const cursor = new RecordCursor('t', 0)
  cursor.append(readBatches(bytes), 0)
  assert.deepEqual(
    readAll(cursor).map(r => r.timestamp),
    [1234, 1234]
  )
})

test('a cursor still holding records appends the next fetch after them', () => {
  const cursor = new RecordCursor('t', 3)
  cursor.append(readBatches(batchBytes([plain('a', '0'), plain('b', '1')], 0)), 0)
  assert.equal(cursor.peek()?.offset, 0)
  cursor.next()
  cursor.append(readBatches(batchBytes([plain('b', '1'), plain('c', '2')], 1)), 2)
  assert.deepEqual(
    readAll(cursor).map(r => r.key),
    ['b', 'c']
  )
  cursor.append(readBatches(batchBytes([plain('d', '3')], 3)), 3)
  cursor.clear()
  assert.equal(cursor.peek(), undefined)
})

test('partition errors, and offsets past 2^53, are reported instead of records', () => {
  const error = (errorCode: number) => recordsOf('t', { partitionIndex: 1, errorCode }, 0n).error
  assert.equal(error(1), 'OFFSET_OUT_OF_RANGE')
  assert.equal(error(6), 'STALE_METADATA')
  assert.match(String(error(3)), /UNKNOWN_TOPIC_OR_PARTITION|t-1/)
  const far = readBatches(batchBytes([plain('a', '1')], 2 ** 53))
  const result = recordsOf('t', { partitionIndex: 1, errorCode: 0, records: far }, 2n ** 53n)
  assert.match(String(result.error), /Offsets of t-1 pass 2\^53/)
})

test('bytes: about what is left to read, falling as records are read, 0 when drained or cleared', () => {
  const cursor = new RecordCursor('t', 0)
  assert.equal(cursor.bytes, 0)
  const values = (from: number) => Array.from({ length: 10 }, (_, i) => plain(null, 'v'.repeat(100) + (from + i)))
  const batches = [...readBatches(batchBytes(values(0), 0)), ...readBatches(batchBytes(values(10), 10))]
  cursor.append(batches, 0)
  const total = cursor.bytes
  assert.equal(
    total,
    batches.reduce((sum, b) => sum + b.data.length, 0)
  )
  assert.ok(total > 20 * 100 && total < 20 * 130, String(total))
  let last = total
  for (let k = 0; k < 20; k++) {
    assert.equal(cursor.peek()?.offset, k)
    cursor.next()
    cursor.peek() // (the record at the cursor, once decoded, no longer counts)
    assert.ok(cursor.bytes < last || cursor.bytes === 0, `after ${k}: ${cursor.bytes} of ${last}`)
    last = cursor.bytes
    if (k === 9) assert.ok(Math.abs(last - total / 2) < 150, `half way: ${last} of ${total}`)
  }
  assert.equal(cursor.bytes, 0)
  cursor.append(readBatches(batchBytes(values(20), 20)), 20)
  assert.ok(cursor.bytes > 1000)
  cursor.clear()
  assert.equal(cursor.bytes, 0)
})

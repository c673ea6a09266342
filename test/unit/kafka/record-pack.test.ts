import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pack, packedSize, type PackedRecord, unpack } from '../../../src/kafka/record-pack.ts'

test('records cross a pack unchanged: topics, partitions, timestamps, null and empty keys, values and headers', () => {
  const records: PackedRecord[] = [
    { topic: 'a', partition: 0, key: null, value: Buffer.from('v1'), headers: undefined, timestamp: 1700000000123 },
    {
      topic: 'b.é',
      partition: 2147483647,
      key: Buffer.alloc(0),
      value: null,
      headers: [
        [Buffer.from('h'), Buffer.from([0, 255])],
        [Buffer.from('h'), null],
        [Buffer.from(''), Buffer.alloc(0)]
      ],
      timestamp: 0
    },
    { topic: 'a', partition: 5, key: Buffer.from('k'), value: Buffer.alloc(70000, 7), headers: [], timestamp: 1 }
  ]
  const bytes = records.reduce((sum, r) => sum + packedSize(r), 0)
  const { topics, buffer } = pack(records, bytes)
  assert.deepEqual(topics, ['a', 'b.é'])
  assert.equal(buffer.byteLength, bytes)
  const back = unpack(topics, buffer)
  // An empty header list comes back as none: both mean no headers on the wire.
  assert.deepEqual(back, [records[0], records[1], { ...records[2], headers: undefined }])
})

test('a pack whose size was mis-announced is refused rather than sent short or long', () => {
  const record: PackedRecord = {
    topic: 't',
    partition: 1,
    key: null,
    value: Buffer.from('x'),
    headers: undefined,
    timestamp: 5
  }
  assert.throws(() => pack([record], packedSize(record) + 1), /wrote \d+ bytes, expected/)
})

// Packed runs become record batches that the Kafka client's own decoder reads back exactly: offsets, timestamps,
// null and empty keys and values, headers, producer id, epoch, sequence, compression and the checksum.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { crc32c, Reader, readRecordsBatch } from '@platformatic/kafka'
import { incremented, runBatch, runMessage, type RunMessage, runsOf } from '../../../src/kafka/produce-api.ts'
import { pack, packedSize, type PackedRecord, unpack } from '../../../src/kafka/record-pack.ts'

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
  { topic: 'a', partition: 5, key: Buffer.from('k'), value: Buffer.alloc(70000, 7), headers: [], timestamp: 1 },
  // Back to partition 0: joins the first run, after it; its timestamp is earlier (a negative delta).
  { topic: 'a', partition: 0, key: Buffer.from('k2'), value: Buffer.alloc(200, 1), headers: undefined, timestamp: 1700000000000 }, // prettier-ignore
  // A delta beyond 2^52 ms takes the BigInt path.
  { topic: 'a', partition: 0, key: null, value: Buffer.from('far'), headers: undefined, timestamp: -8.64e15 }
]

function packed(list: PackedRecord[]) {
  const bytes = list.reduce((sum, r) => sum + packedSize(r), 0)
  const { topics, buffer, length } = pack(list, bytes)
  assert.ok(length <= bytes && buffer.byteLength === bytes)
  return unpack(topics, buffer, length)
}

type Options = Parameters<typeof runBatch>[1]

function decode(message: RunMessage, options: Options) {
  const runs = [...runsOf([message]).values()].flat()
  assert.equal(runs.length, 1)
  const [header, body] = runBatch(runs[0], options)
  const bytes = Buffer.concat([header, body])
  assert.equal(bytes.readUInt32BE(17), crc32c(bytes.subarray(21)), 'checksum')
  assert.equal(bytes.readInt32BE(8), bytes.length - 12, 'batch length')
  return readRecordsBatch(Reader.from(bytes))
}

test('runs keep each partition’s records in order and decode as the client reads batches', () => {
  const runs = packed(records)
  assert.deepEqual(
    runs.map(r => [r.topic, r.partition, r.count, r.firstTimestamp, r.maxTimestamp]),
    [
      ['a', 0, 3, 1700000000123, 1700000000123],
      ['a', 5, 1, 1, 1],
      ['b.é', 2147483647, 1, 0, 0]
    ]
  )
  const expected = [[records[0], records[3], records[4]], [records[2]], [records[1]]]
  runs.forEach((run, i) => {
    const batch = decode(runMessage(run), { producerId: 42n, producerEpoch: 3 })
    assert.deepEqual(
      [batch.magic, batch.lastOffsetDelta, batch.producerId, batch.producerEpoch, batch.firstSequence],
      [2, run.count - 1, 42n, 3, 0]
    )
    assert.equal(batch.firstTimestamp, BigInt(run.firstTimestamp))
    assert.equal(batch.maxTimestamp, BigInt(run.maxTimestamp))
    assert.equal(batch.records.length, run.count)
    batch.records.forEach((record, j) => {
      const want = expected[i][j]
      assert.equal(record.offsetDelta, j)
      assert.equal(batch.firstTimestamp + record.timestampDelta, BigInt(want.timestamp))
      assert.deepEqual(record.key, want.key ?? null)
      assert.deepEqual(record.value, want.value ?? null)
      assert.deepEqual(
        record.headers,
        (want.headers ?? []).map(([k, v]) => [k, v ?? null])
      )
    })
  })
})

test('without a producer id the batch says so; compressed runs decode; a message without a run is refused', () => {
  const [run] = packed([records[0], records[3]])
  const plain = decode(runMessage(run), {})
  assert.deepEqual([plain.producerId, plain.producerEpoch, plain.firstSequence], [-1n, -1, -1])
  for (const compression of ['gzip', 'snappy', 'lz4', 'zstd']) {
    const batch = decode(runMessage(run), { compression })
    assert.deepEqual(
      batch.records.map(r => r.value),
      [records[0].value, records[3].value],
      compression
    )
  }
  assert.throws(() => runsOf([{ ...runMessage(run), key: Buffer.alloc(0) }]), /carries no record run/)
})

test('sequence numbers count records per partition and producer epoch; a retry keeps its number; they wrap', () => {
  const producerId = 7_000_000_000n
  const runOfRecords = (partition: number, count: number) =>
    packed(Array.from({ length: count }, (_, i) => ({ ...records[0], topic: 's', partition, timestamp: i })))[0]
  const first = runMessage(runOfRecords(0, 3))
  assert.equal(decode(first, { producerId, producerEpoch: 0 }).firstSequence, 0)
  // The same message written again (the client's retry): the same number.
  assert.equal(decode(first, { producerId, producerEpoch: 0 }).firstSequence, 0)
  assert.equal(decode(runMessage(runOfRecords(0, 2)), { producerId, producerEpoch: 0 }).firstSequence, 3)
  assert.equal(decode(runMessage(runOfRecords(1, 1)), { producerId, producerEpoch: 0 }).firstSequence, 0)
  assert.equal(decode(runMessage(runOfRecords(0, 1)), { producerId, producerEpoch: 0 }).firstSequence, 5)
  // A bumped epoch or a new id starts again; so does a retry sent under it.
  assert.equal(decode(runMessage(runOfRecords(0, 1)), { producerId, producerEpoch: 1 }).firstSequence, 0)
  assert.equal(decode(first, { producerId, producerEpoch: 1 }).firstSequence, 1)
  assert.equal(decode(runMessage(runOfRecords(0, 1)), { producerId: producerId + 1n, producerEpoch: 0 }).firstSequence, 0) // prettier-ignore
  // After Int32 max the numbers go on from 0, as Java's producer counts them.
  assert.equal(incremented(2 ** 31 - 2, 3), 1)
  assert.equal(incremented(2 ** 31 - 4, 3), 2 ** 31 - 1)
  assert.equal(incremented(2 ** 31 - 1, 1), 0)
})

test('a pack larger than announced is refused rather than sent', () => {
  const record = records[0]
  assert.throws(() => pack([record], 10), /more than the 10 announced|out of range/)
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { applyFetched, drain, keyOf, newState } from '../../../src/kafka/partition-state.ts'
import { type ConsumedRecord, RecordPending } from '../../../src/model/consumer.ts'

function state(partition: number, sizes: number[]) {
  const s = newState('t', partition, keyOf('t', partition))
  s.records = sizes.map((size, i): ConsumedRecord => ({
    topic: 't',
    partition,
    offset: BigInt(10 + i),
    timestamp: 0n,
    key: null,
    value: Buffer.alloc(size),
    headers: []
  }))
  return s
}
const encode = (r: ConsumedRecord) => `${r.partition}:${r.offset}`

/** A sink collecting `write(record)` texts; `write` may throw as a record writer does. */
function sink(write: (r: ConsumedRecord) => string = encode) {
  const out: string[] = []
  return {
    out,
    get count() {
      return out.length
    },
    add(record: ConsumedRecord) {
      out.push(write(record))
    }
  }
}

test('drain stops before the record that would pass the byte budget; it stays buffered', () => {
  const a = state(0, [100, 100, 100])
  const out = sink()
  assert.deepEqual(drain([a], out, 250), { bytes: 200, full: true })
  assert.deepEqual(out.out, ['0:10', '0:11'])
  assert.equal(a.consumed, 12n)
  assert.equal(a.records.length - a.head, 1)
})

test('drain always hands out the first record even when it alone passes the budget', () => {
  const out = sink()
  assert.deepEqual(drain([state(0, [500])], out, 100), { bytes: 500, full: true })
  assert.deepEqual(out.out, ['0:10'])
})

test('a refused first record fails the read and stays; a refused later record ends the read before it', () => {
  const refuse = (r: ConsumedRecord) => {
    if (r.offset === 11n) throw new Error('not JSON')
    return encode(r)
  }
  const a = state(0, [1, 1, 1])
  const out = sink(refuse)
  assert.deepEqual(drain([a], out, 1000), { bytes: 1, full: true })
  assert.deepEqual(out.out, ['0:10'])
  assert.throws(() => drain([a], sink(refuse), 1000), /not JSON/)
  assert.equal(a.consumed, 11n)
})

test('drain empties partitions in the order given and frees drained buffers', () => {
  const a = state(0, [1])
  const b = state(1, [1, 1])
  const out = sink()
  drain([b, a], out, 1000)
  assert.deepEqual(out.out, ['1:10', '1:11', '0:10'])
  assert.equal(a.records.length + b.records.length, 0)
})

test('a pending record stops its partition only: it and the records after it stay, the others are drained', () => {
  const ready = Promise.resolve()
  let known = false
  const pending = (r: ConsumedRecord) => {
    if (r.partition === 0 && r.offset === 11n && !known) throw new RecordPending(ready)
    return encode(r)
  }
  const a = state(0, [1, 1, 1])
  const b = state(1, [1])
  const out = sink(pending)
  const taken = drain([a, b], out, 1000)
  assert.deepEqual(taken, { bytes: 2, full: false, pending: ready })
  assert.deepEqual(out.out, ['0:10', '1:10'])
  assert.equal(a.consumed, 11n)
  assert.deepEqual([a.records.length, a.head], [3, 1]) // not freed: the rest waits
  assert.equal(b.records.length, 0)

  // nothing taken yet and only a pending record: no error, just the promise to wait for
  assert.deepEqual(drain([a], sink(pending), 1000), { bytes: 0, full: false, pending: ready })
  known = true
  const later = sink(pending)
  assert.deepEqual(drain([a], later, 1000), { bytes: 2, full: false })
  assert.deepEqual(later.out, ['0:11', '0:12'])
  assert.equal(a.consumed, 13n)
})

test('a fetch result is appended to records still buffered, never replacing them; a stale one is dropped', () => {
  const s = state(0, [1, 1])
  s.head = 1
  s.fetchOffset = 12n
  const current = new Map([[s.key, s]])
  const batch = (first: bigint, count: number) => ({
    firstOffset: first,
    lastOffsetDelta: count - 1,
    firstTimestamp: 0n,
    maxTimestamp: 0n,
    attributes: 0,
    records: Array.from({ length: count }, (_, i) => ({
      timestampDelta: 0n,
      offsetDelta: i,
      key: null,
      value: Buffer.from('x'),
      headers: []
    }))
  })
  const fetched = [{ topicId: 'id', partitions: [{ partitionIndex: 0, errorCode: 0, records: [batch(12n, 2)] }] }]
  const names = new Map([['id', 't']])
  const requested = new Map([[s.key, { state: s, epoch: 0, offset: 12n }]])
  applyFetched(fetched, names, requested, current)
  assert.deepEqual(
    s.records.map(r => r.offset),
    [11n, 12n, 13n]
  )
  assert.equal(s.head, 0)
  assert.equal(s.fetchOffset, 14n)

  // The same answer again is stale now (the position moved on): nothing changes.
  applyFetched(fetched, names, requested, current)
  assert.equal(s.records.length, 3)
})

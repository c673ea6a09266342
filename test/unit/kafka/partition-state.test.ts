import assert from 'node:assert/strict'
import { test } from 'node:test'
import { applyFetched, drain, keyOf, newState, type PartitionState } from '../../../src/kafka/partition-state.ts'
import { readBatches } from '../../../src/kafka/fetched-records.ts'
import { type ConsumedRecord, RecordPending } from '../../../src/model/consumer.ts'
import { batchBytes, cursorOf } from '../../helpers/records.ts'

function state(partition: number, sizes: number[]) {
  const s = newState('t', partition, keyOf('t', partition))
  s.buffered = cursorOf(
    't',
    partition,
    sizes.map(size => ({ value: Buffer.alloc(size) })),
    10
  )
  return s
}
const encode = (r: ConsumedRecord) => `${r.partition}:${r.offset}`
// The offset of the next buffered record (undefined: nothing buffered).
const nextOffset = (s: PartitionState) => s.buffered.peek()?.offset

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
  assert.equal(nextOffset(a), 12)
})

test('drain always hands out the first record even when it alone passes the budget', () => {
  const out = sink()
  assert.deepEqual(drain([state(0, [500])], out, 100), { bytes: 500, full: true })
  assert.deepEqual(out.out, ['0:10'])
})

test('a refused first record fails the read and stays; a refused later record ends the read before it', () => {
  const refuse = (r: ConsumedRecord) => {
    if (r.offset === 11) throw new Error('not JSON')
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
  assert.deepEqual([nextOffset(a), nextOffset(b)], [undefined, undefined])
})

test('a pending record stops its partition only: it and the records after it stay, the others are drained', () => {
  const ready = Promise.resolve()
  let known = false
  const pending = (r: ConsumedRecord) => {
    if (r.partition === 0 && r.offset === 11 && !known) throw new RecordPending(ready)
    return encode(r)
  }
  const a = state(0, [1, 1, 1])
  const b = state(1, [1])
  const out = sink(pending)
  const taken = drain([a, b], out, 1000)
  assert.deepEqual(taken, { bytes: 2, full: false, pending: ready })
  assert.deepEqual(out.out, ['0:10', '1:10'])
  assert.equal(a.consumed, 11n)
  assert.equal(nextOffset(a), 11) // the rest waits
  assert.equal(nextOffset(b), undefined)

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
  s.buffered.next()
  s.fetchOffset = 12n
  const current = new Map([[s.key, s]])
  // The broker answers from the start of the batch holding offset 12: 11 comes again and is skipped.
  const batches = () => readBatches(batchBytes([{ value: Buffer.from('x') }, { value: Buffer.from('y') }, {}], 11))
  const fetched = [{ topicId: 'id', partitions: [{ partitionIndex: 0, errorCode: 0, records: batches() }] }]
  const names = new Map([['id', 't']])
  const requested = new Map([[s.key, { state: s, epoch: 0, offset: 12n }]])
  applyFetched(fetched, names, requested, current)
  const seen = sink(r => `${r.offset}:${r.valueLength}`)
  drain([s], seen, 1000)
  assert.deepEqual(seen.out, ['11:1', '12:1', '13:-1'])
  assert.equal(s.fetchOffset, 14n)
  assert.equal(s.consumed, 14n)

  // The same answer again is stale now (the position moved on): nothing changes.
  fetched[0].partitions[0].records = batches()
  applyFetched(fetched, names, requested, current)
  assert.equal(nextOffset(s), undefined)
})

test('an out-of-range answer to a fetch made while records are still buffered drops them with the position', () => {
  const s = state(0, [1, 1, 1])
  s.buffered.next()
  s.fetchOffset = 13n
  const current = new Map([[s.key, s]])
  const fetched = [{ topicId: 'id', partitions: [{ partitionIndex: 0, errorCode: 1, records: null }] }]
  const requested = new Map([[s.key, { state: s, epoch: 0, offset: 13n }]])
  const outcome = applyFetched(fetched, new Map([['id', 't']]), requested, current)
  assert.deepEqual(outcome.errors, [])
  assert.equal(s.fetchOffset, undefined)
  assert.equal(s.outOfRange, true)
  assert.equal(nextOffset(s), undefined)
})

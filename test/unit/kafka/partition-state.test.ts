import assert from 'node:assert/strict'
import { test } from 'node:test'
import { drain, newState } from '../../../src/kafka/partition-state.ts'
import { type ConsumedRecord } from '../../../src/model/consumer.ts'

function state(partition: number, sizes: number[]) {
  const s = newState('t', partition, `t-${partition}`)
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

test('drain stops before the record that would pass the byte budget; it stays buffered', () => {
  const a = state(0, [100, 100, 100])
  const out: string[] = []
  assert.deepEqual(drain([a], out, 250, encode), { bytes: 200, full: true })
  assert.deepEqual(out, ['0:10', '0:11'])
  assert.equal(a.consumed, 12n)
  assert.equal(a.records.length - a.head, 1)
})

test('drain always hands out the first record even when it alone passes the budget', () => {
  const out: string[] = []
  assert.deepEqual(drain([state(0, [500])], out, 100, encode), { bytes: 500, full: true })
  assert.deepEqual(out, ['0:10'])
})

test('a refused first record fails the read and stays; a refused later record ends the read before it', () => {
  const refuse = (r: ConsumedRecord) => {
    if (r.offset === 11n) throw new Error('not JSON')
    return encode(r)
  }
  const a = state(0, [1, 1, 1])
  const out: string[] = []
  assert.deepEqual(drain([a], out, 1000, refuse), { bytes: 1, full: true })
  assert.deepEqual(out, ['0:10'])
  assert.throws(() => drain([a], [], 1000, refuse), /not JSON/)
  assert.equal(a.consumed, 11n)
})

test('drain empties partitions in the order given and frees drained buffers', () => {
  const a = state(0, [1])
  const b = state(1, [1, 1])
  const out: string[] = []
  drain([b, a], out, 1000, encode)
  assert.deepEqual(out, ['1:10', '1:11', '0:10'])
  assert.equal(a.records.length + b.records.length, 0)
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { rangeAssign } from '../../../src/kafka/range-assignor.ts'

const flat = (result: ReturnType<typeof rangeAssign>) =>
  Object.fromEntries(
    result.map(m => [m.memberId, Object.fromEntries([...m.assignments].map(([t, a]) => [t, a.partitions]))])
  )

test("range: contiguous ranges per topic, members sorted by id, the first ones get the extra partitions (Java's RangeAssignor)", () => {
  const members = new Map([
    ['m-b', { topics: ['t1', 't2'] }],
    ['m-a', { topics: ['t1', 't2'] }],
    ['m-c', { topics: ['t1'] }]
  ])
  const counts: Record<string, number> = { t1: 7, t2: 3 }
  assert.deepEqual(flat(rangeAssign(members, t => counts[t])), {
    'm-a': { t1: [0, 1, 2], t2: [0, 1] },
    'm-b': { t1: [3, 4], t2: [2] },
    'm-c': { t1: [5, 6] }
  })
})

test('range: more members than partitions leaves the last members without any; unknown topics are skipped', () => {
  const members = new Map([
    ['a', { topics: ['t', 'missing'] }],
    ['b', { topics: ['t'] }],
    ['c', { topics: ['t'] }]
  ])
  assert.deepEqual(flat(rangeAssign(members, t => (t === 't' ? 2 : undefined))), {
    a: { t: [0] },
    b: { t: [1] },
    c: {}
  })
})

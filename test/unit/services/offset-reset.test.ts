import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RestError } from '../../../src/errors/rest-error.ts'
import { type OffsetResetEntry } from '../../../src/model/consumer-group.ts'
import { expandTargets, resolveTargets } from '../../../src/services/offset-reset.ts'

const topics: Record<string, number[]> = { a: [0, 1, 2], b: [0] }
const partitionsOf = (topic: string) => topics[topic]
const earliest = { kind: 'earliest' } as const
const latest = { kind: 'latest' } as const

const rejects = (fn: () => unknown, status: number, code: number, message: string) =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof RestError)
    assert.deepEqual([e.status, e.errorCode, e.message], [status, code, message])
    return true
  })

test('a topic-wide entry covers every partition; a partition entry overrides it in any order', () => {
  const entries: OffsetResetEntry[] = [
    { topic: 'b', target: earliest },
    { topic: 'a', partition: 1, target: { kind: 'offset', offset: 5n } },
    { topic: 'a', target: latest }
  ]
  assert.deepEqual(expandTargets(entries, partitionsOf), [
    { topic: 'a', partition: 0, target: latest },
    { topic: 'a', partition: 1, target: { kind: 'offset', offset: 5n } },
    { topic: 'a', partition: 2, target: latest },
    { topic: 'b', partition: 0, target: earliest }
  ])
})

test('ambiguous or unknown entries are refused', () => {
  rejects(
    () =>
      expandTargets(
        [
          { topic: 'a', target: earliest },
          { topic: 'a', target: latest }
        ],
        partitionsOf
      ),
    400,
    400,
    'Bad Request: topic a is named twice without partition_id'
  )
  rejects(
    () =>
      expandTargets(
        [
          { topic: 'a', partition: 2, target: earliest },
          { topic: 'a', partition: 2, target: earliest }
        ],
        partitionsOf
      ),
    400,
    400,
    'Bad Request: partition 2 of topic a is named twice'
  )
  rejects(
    () => expandTargets([{ topic: 'x', target: earliest }], partitionsOf),
    404,
    40403,
    'This server does not host this topic-partition.'
  )
  rejects(
    () => expandTargets([{ topic: 'b', partition: 3, target: earliest }], partitionsOf),
    404,
    40402,
    'Partition not found.'
  )
})

test('targets resolve through the lookups; explicit offsets must lie within the log', () => {
  const lookups = {
    earliest: (_t: string, p: number) => BigInt(p),
    latest: (_t: string, p: number) => BigInt(10 + p),
    atTimestamp: (ts: number, _t: string, p: number) => BigInt(ts + p)
  }
  assert.deepEqual(
    resolveTargets(
      [
        { topic: 'a', partition: 0, target: earliest },
        { topic: 'a', partition: 1, target: latest },
        { topic: 'a', partition: 2, target: { kind: 'timestamp', timestamp: 100 } },
        { topic: 'b', partition: 0, target: { kind: 'offset', offset: 10n } },
        { topic: 'b', partition: 1, target: { kind: 'offset', offset: 1n } }
      ],
      lookups
    ),
    [
      { topic: 'a', partition: 0, offset: 0n },
      { topic: 'a', partition: 1, offset: 11n },
      { topic: 'a', partition: 2, offset: 102n },
      { topic: 'b', partition: 0, offset: 10n },
      { topic: 'b', partition: 1, offset: 1n }
    ]
  )
  rejects(
    () => resolveTargets([{ topic: 'b', partition: 1, target: { kind: 'offset', offset: 12n } }], lookups),
    400,
    400,
    'Bad Request: offset 12 is out of range for partition 1 of topic b (earliest 1, latest 11)'
  )
  rejects(
    () => resolveTargets([{ topic: 'b', partition: 1, target: { kind: 'offset', offset: 0n } }], lookups),
    400,
    400,
    'Bad Request: offset 0 is out of range for partition 1 of topic b (earliest 1, latest 11)'
  )
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type ConsumerGroup, type ConsumerLag } from '../../../src/model/consumer-group.ts'
import { compareTopicPartition, consumerLags, lagSummary } from '../../../src/services/lags.ts'

const group: ConsumerGroup = {
  id: 'g',
  isSimple: false,
  partitionAssignor: 'range',
  state: 'STABLE',
  type: 'CLASSIC',
  isMixed: false,
  coordinatorId: 1,
  members: [
    { consumerId: 'm1', instanceId: 'i1', clientId: 'c1', assignments: [{ topic: 'a', partition: 0 }] },
    { consumerId: 'm2', instanceId: null, clientId: 'c2', assignments: [{ topic: 'b', partition: 1 }] }
  ]
}

const ends: Record<string, bigint> = { 'a/0': 10n, 'a/1': 3n, 'b/1': 5n, 'b/0': 4n }
const end = (topic: string, partition: number) => ends[`${topic}/${partition}`]

test('a lag per committed partition, owned by its member or by nobody, sorted lag desc then topic, partition', () => {
  const lags = consumerLags(
    group,
    [
      { topic: 'b', partition: 1, offset: 5n },
      { topic: 'a', partition: 1, offset: 1n },
      { topic: 'a', partition: 0, offset: 8n },
      { topic: 'b', partition: 0, offset: 2n },
      { topic: 'gone', partition: 0, offset: 1n } // no end offset: left out
    ],
    end
  )
  assert.deepEqual(
    lags.map(l => [
      l.topic,
      l.partition,
      l.consumerId,
      l.instanceId,
      l.clientId,
      l.currentOffset,
      l.logEndOffset,
      l.lag
    ]),
    [
      ['a', 0, 'm1', 'i1', 'c1', 8n, 10n, 2n],
      ['a', 1, '', null, '', 1n, 3n, 2n],
      ['b', 0, '', null, '', 2n, 4n, 2n],
      ['b', 1, 'm2', null, 'c2', 5n, 5n, 0n]
    ]
  )
})

test('a committed offset past the end gives a negative lag (as upstream), clamped to 0 in the summary', () => {
  const [lag] = consumerLags(group, [{ topic: 'a', partition: 1, offset: 7n }], end)
  assert.equal(lag.lag, -4n)
  assert.deepEqual(lagSummary([lag]), { max: { ...lag, lag: 0n }, totalLag: 0n })
})

test('lag summary: the largest lag, the first in topic/partition order on ties, and the total', () => {
  const lag = (topic: string, partition: number, value: bigint): ConsumerLag => ({
    topic,
    partition,
    consumerId: `${topic}${partition}`,
    instanceId: null,
    clientId: '',
    currentOffset: 0n,
    logEndOffset: value,
    lag: value
  })
  const summary = lagSummary([lag('b', 0, 7n), lag('a', 2, 7n), lag('a', 1, 3n), lag('c', 0, -2n)])
  assert.equal(summary?.max.consumerId, 'a2')
  assert.equal(summary?.max.lag, 7n)
  assert.equal(summary?.totalLag, 17n)
  assert.equal(lagSummary([]), null)
})

test('topic/partition order compares names by UTF-16 code units, then partitions numerically', () => {
  const sorted = [
    { topic: 'b', partition: 10 },
    { topic: 'B', partition: 0 },
    { topic: 'b', partition: 2 }
  ].sort(compareTopicPartition)
  assert.deepEqual(sorted, [
    { topic: 'B', partition: 0 },
    { topic: 'b', partition: 2 },
    { topic: 'b', partition: 10 }
  ])
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Topic } from '../../../src/model/cluster.ts'
import { replicasOnBroker } from '../../../src/services/replicas.ts'

test("a broker's replicas: every partition listing it, sorted by topic then partition", () => {
  const topic = (name: string, replicas: number[][], leaders: number[]): Topic => ({
    name,
    isInternal: name.startsWith('__'),
    partitions: replicas.map((brokers, id) => ({
      topic: name,
      id,
      leader: leaders[id],
      replicas: brokers.map(b => ({ brokerId: b, isLeader: b === leaders[id], inSync: b !== 3 }))
    }))
  })
  const topics = [
    topic('orders', [[1, 2], [2, 3], [3, 1], [2], [1], [3, 2], [1, 2], [2], [1], [2], [1], [2, 1]], Array(12).fill(2)),
    topic('__consumer_offsets', [[2]], [2]),
    topic('audit', [[1]], [1])
  ]
  const replicas = replicasOnBroker(topics, 2)
  assert.deepEqual(
    replicas.map(r => `${r.topic}/${r.partition}`),
    [
      '__consumer_offsets/0',
      'orders/0',
      'orders/1',
      'orders/3',
      'orders/5',
      'orders/6',
      'orders/7',
      'orders/9',
      'orders/11'
    ]
  )
  assert.deepEqual(replicas[1], { topic: 'orders', partition: 0, brokerId: 2, isLeader: true, inSync: true })
  assert.deepEqual(replicasOnBroker(topics, 9), [])
})

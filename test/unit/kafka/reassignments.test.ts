import assert from 'node:assert/strict'
import { test } from 'node:test'
import { toReassignments } from '../../../src/kafka/reassignments.ts'

test('ongoing reassignments flattened and sorted by topic, then partition', () => {
  const p = (partitionIndex: number, replicas: number[], adding: number[], removing: number[]) => ({
    partitionIndex,
    replicas,
    addingReplicas: adding,
    removingReplicas: removing
  })
  assert.deepEqual(
    toReassignments({
      topics: [
        { name: 'b', partitions: [p(10, [2, 3, 1], [2, 3], [1]), p(2, [1, 2], [2], [])] },
        { name: 'a', partitions: [p(0, [3, 1], [3], [1])] }
      ]
    }),
    [
      { topic: 'a', partition: 0, replicas: [3, 1], addingReplicas: [3], removingReplicas: [1] },
      { topic: 'b', partition: 2, replicas: [1, 2], addingReplicas: [2], removingReplicas: [] },
      { topic: 'b', partition: 10, replicas: [2, 3, 1], addingReplicas: [2, 3], removingReplicas: [1] }
    ]
  )
  assert.deepEqual(toReassignments({ topics: [] }), [])
})

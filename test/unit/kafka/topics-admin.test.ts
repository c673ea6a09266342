import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createTopicsRequest } from '../../../src/kafka/topics-admin.ts'

test('CreateTopics: -1 for broker defaults, and for both counts when replicas are assigned', () => {
  const base = { name: 't', configs: [{ name: 'cleanup.policy', value: 'compact' }] }
  assert.deepEqual(createTopicsRequest({ ...base, partitionsCount: 3, replicationFactor: 2, assignments: null }), {
    name: 't',
    numPartitions: 3,
    replicationFactor: 2,
    assignments: [],
    configs: [{ name: 'cleanup.policy', value: 'compact' }]
  })
  assert.deepEqual(
    createTopicsRequest({ ...base, partitionsCount: null, replicationFactor: null, assignments: null }),
    {
      ...createTopicsRequest({ ...base, partitionsCount: 1, replicationFactor: 1, assignments: null }),
      numPartitions: -1,
      replicationFactor: -1
    }
  )
  assert.deepEqual(
    createTopicsRequest({
      ...base,
      partitionsCount: 5,
      replicationFactor: 3,
      assignments: [
        { partition: 0, brokers: [1, 2] },
        { partition: 1, brokers: [2, 3] }
      ]
    }),
    {
      name: 't',
      numPartitions: -1,
      replicationFactor: -1,
      assignments: [
        { partitionIndex: 0, brokerIds: [1, 2] },
        { partitionIndex: 1, brokerIds: [2, 3] }
      ],
      configs: base.configs
    }
  )
})

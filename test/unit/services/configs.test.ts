import assert from 'node:assert/strict'
import { test } from 'node:test'
import { configNotFound, mergeByTopic } from '../../../src/services/configs.ts'

test("a missing config is named as Confluent formats Kafka's resource type", () => {
  assert.deepEqual(configNotFound('C', { kind: 'topic', topic: 't1' }, 'x').toJSON(), {
    error_code: 404,
    message: 'Config x cannot be found for TOPIC t1 in cluster C.'
  })
  assert.equal(
    configNotFound('C', { kind: 'broker', brokerId: 2 }, 'x').message,
    'Config x cannot be found for BROKER 2 in cluster C.'
  )
  assert.equal(configNotFound('C', { kind: 'topic', topic: 't1' }, 'x').status, 404)
})

test('changes of one topic in several entries are applied together, in order', () => {
  const set = (name: string) => ({ name, value: '1', operation: 'SET' as const })
  assert.deepEqual(
    mergeByTopic([
      { topic: 'a', changes: [set('x')] },
      { topic: 'b', changes: [set('y')] },
      { topic: 'a', changes: [set('z')] }
    ]),
    [
      { topic: 'a', changes: [set('x'), set('z')] },
      { topic: 'b', changes: [set('y')] }
    ]
  )
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RestError } from '../../../../src/errors/rest-error.ts'
import {
  isValidTopicName,
  parseAlterBatch,
  parseAlterTopics,
  parseConfigValue,
  parseCreateTopic,
  parsePartitionsCount
} from '../../../../src/http/v3/admin-bodies.ts'

// Runs `fn` and returns the RestError it throws as {status, error_code, message}.
function failure(fn: () => unknown) {
  try {
    fn()
  } catch (error) {
    assert.ok(error instanceof RestError, String(error))
    return { status: error.status, ...error.toJSON() }
  }
  assert.fail('no error thrown')
}

const empty = { status: 422, error_code: 42206, message: 'Payload error. Request body is empty. Data is required.' }

test('create topic: all fields, Jackson-style coercion, defaults', () => {
  assert.deepEqual(
    parseCreateTopic({
      topic_name: 'orders',
      partitions_count: '6',
      replication_factor: 3,
      replicas_assignments: { '0': [1, 2], '1': ['2', 3] },
      configs: [{ name: 'retention.ms', value: 1000 }, { name: 'cleanup.policy', value: null }, { name: 'x' }],
      validate_only: 'true'
    }),
    {
      topic: {
        name: 'orders',
        partitionsCount: 6,
        replicationFactor: 3,
        assignments: [
          { partition: 0, brokers: [1, 2] },
          { partition: 1, brokers: [2, 3] }
        ],
        configs: [
          { name: 'retention.ms', value: '1000' },
          { name: 'cleanup.policy', value: null },
          { name: 'x', value: null }
        ]
      },
      validateOnly: true
    }
  )
  assert.deepEqual(parseCreateTopic({ topic_name: 't', partitions_count: null, configs: null }), {
    topic: { name: 't', partitionsCount: null, replicationFactor: null, assignments: null, configs: [] },
    validateOnly: false
  })
})

test('create topic: refusals', () => {
  assert.deepEqual(
    failure(() => parseCreateTopic(undefined)),
    empty
  )
  assert.deepEqual(
    failure(() => parseCreateTopic(null)),
    empty
  )
  assert.deepEqual(
    failure(() => parseCreateTopic({})),
    { status: 400, error_code: 400, message: 'Bad Request: topic_name is required.' }
  )
  assert.deepEqual(
    failure(() => parseCreateTopic({ topic_name: 'a/b' })),
    { status: 422, error_code: 42206, message: 'Payload error. Invalid topic name.' }
  )
  assert.deepEqual(
    failure(() => parseCreateTopic({ topic_name: 't', extra: 1 })),
    { status: 422, error_code: 422, message: 'Unrecognized field: extra' }
  )
  assert.deepEqual(
    failure(() => parseCreateTopic({ topic_name: 't', configs: [{ name: 'a', valu: 'b' }] })),
    { status: 422, error_code: 422, message: 'Unrecognized field: valu' }
  )
  assert.deepEqual(
    failure(() => parseCreateTopic({ topic_name: 't', partitions_count: 'A' })),
    {
      status: 400,
      error_code: 400,
      message:
        'Cannot deserialize value of type `java.lang.Integer` from String "A": not a valid `java.lang.Integer` value'
    }
  )
  assert.deepEqual(
    failure(() => parseCreateTopic({ topic_name: 't', replication_factor: 40000 })),
    { status: 400, error_code: 400, message: 'Numeric value (40000) out of range of `java.lang.Short`' }
  )
  assert.equal(failure(() => parseCreateTopic({ topic_name: 't', partitions_count: 1.5 })).status, 400)
  assert.equal(failure(() => parseCreateTopic({ topic_name: ['t'] })).status, 400)
  assert.equal(failure(() => parseCreateTopic({ topic_name: 't', replicas_assignments: { a: [1] } })).status, 400)
  assert.equal(failure(() => parseCreateTopic({ topic_name: 't', configs: {} })).status, 400)
  assert.equal(failure(() => parseCreateTopic({ topic_name: 't', validate_only: 'yes' })).status, 400)
  assert.equal(failure(() => parseCreateTopic([])).status, 400)
})

test("Kafka's topic name rules", () => {
  for (const name of ['a', 'A-b_c.d', '__consumer_offsets', 'x'.repeat(249), '...'])
    assert.ok(isValidTopicName(name), name)
  for (const name of ['', '.', '..', 'x'.repeat(250), 'a b', 'a/b', 'ä', 'a:b']) {
    assert.ok(!isValidTopicName(name), name)
  }
})

test('partitions count and config value', () => {
  assert.equal(parsePartitionsCount({ partitions_count: 4 }), 4)
  assert.deepEqual(
    failure(() => parsePartitionsCount({})),
    {
      status: 400,
      error_code: 400,
      message: 'Bad Request: partitions_count is required.'
    }
  )
  assert.deepEqual(
    failure(() => parsePartitionsCount(undefined)),
    empty
  )
  assert.equal(parseConfigValue({ value: 'gzip' }), 'gzip')
  assert.equal(parseConfigValue({ value: 100 }), '100')
  assert.equal(parseConfigValue({ value: null }), null)
  assert.equal(parseConfigValue({}), null)
  assert.deepEqual(
    failure(() => parseConfigValue(undefined)),
    empty
  )
  assert.deepEqual(
    failure(() => parseConfigValue({ data: { value: 1 } })),
    {
      status: 422,
      error_code: 422,
      message: 'Unrecognized field: data'
    }
  )
})

test('alter batches: SET is the default operation, DELETE drops the value', () => {
  assert.deepEqual(
    parseAlterBatch({
      data: [
        { name: 'a', value: '1' },
        { name: 'b', operation: 'DELETE', value: 'ignored' },
        { name: 'c', operation: 'set', value: null }
      ],
      validate_only: true
    }),
    {
      changes: [
        { name: 'a', value: '1', operation: 'SET' },
        { name: 'b', value: 'ignored', operation: 'DELETE' },
        { name: 'c', value: null, operation: 'SET' }
      ],
      validateOnly: true
    }
  )
  assert.deepEqual(parseAlterBatch({ data: [] }), { changes: [], validateOnly: false })
  assert.deepEqual(
    failure(() => parseAlterBatch(undefined)),
    empty
  )
  assert.deepEqual(
    failure(() => parseAlterBatch({})),
    {
      status: 400,
      error_code: 400,
      message: 'Bad Request: data is required.'
    }
  )
  assert.deepEqual(
    failure(() => parseAlterBatch({ data: [{ name: 'a', operation: 'APPEND' }] })),
    {
      status: 400,
      error_code: 400,
      message:
        'Cannot deserialize value of type `AlterOperation` from String "APPEND": not one of the values accepted for Enum class: [SET, DELETE]'
    }
  )
  assert.equal(failure(() => parseAlterBatch({ data: [{ value: 'x' }] })).status, 400)
  assert.equal(failure(() => parseAlterBatch({ data: {} })).status, 400)

  assert.deepEqual(
    parseAlterTopics({
      data: [
        { topic_name: 't1', configs: [{ name: 'a', value: '1' }] },
        { topic_name: 't2', configs: [] }
      ]
    }),
    {
      entries: [
        { topic: 't1', changes: [{ name: 'a', value: '1', operation: 'SET' }] },
        { topic: 't2', changes: [] }
      ],
      validateOnly: false
    }
  )
  assert.equal(failure(() => parseAlterTopics({ data: [{ configs: [] }] })).status, 400)
  assert.equal(failure(() => parseAlterTopics({ data: [{ topic_name: 't' }] })).status, 400)
  assert.deepEqual(
    failure(() => parseAlterTopics(null)),
    empty
  )
})

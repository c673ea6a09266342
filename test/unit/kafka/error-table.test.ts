import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { render } from '../../../scripts/generate-kafka-error-table.ts'
import { errors } from '../../../src/errors/codes.ts'
import { brokerErrorTable } from '../../../src/kafka/error-table.ts'
import { toRestError } from '../../../src/kafka/errors.ts'

test('the committed broker error table matches the Kafka client (regenerate on drift)', () => {
  const committed = readFileSync(new URL('../../../src/kafka/error-table.ts', import.meta.url), 'utf8')
  assert.equal(committed, render(), 'run: node scripts/generate-kafka-error-table.ts')
})

test("the table follows kafka-rest's exception mapping", () => {
  const expected: Record<string, number> = {
    UNKNOWN_TOPIC_OR_PARTITION: 40403,
    UNKNOWN_TOPIC_ID: 40403,
    TOPIC_ALREADY_EXISTS: 40002,
    INVALID_REPLICATION_FACTOR: 40002,
    POLICY_VIOLATION: 40002,
    INVALID_TOPIC_EXCEPTION: 40002,
    TOPIC_AUTHORIZATION_FAILED: 40301,
    GROUP_AUTHORIZATION_FAILED: 40301,
    CLUSTER_AUTHORIZATION_FAILED: 40301,
    SASL_AUTHENTICATION_FAILED: 40101,
    MESSAGE_TOO_LARGE: 413,
    BROKER_NOT_AVAILABLE: 50302,
    THROTTLING_QUOTA_EXCEEDED: 42901,
    NOT_ENOUGH_REPLICAS: 50003,
    LEADER_NOT_AVAILABLE: 50003,
    REQUEST_TIMED_OUT: 50003,
    INVALID_RECORD: 50002
  }
  for (const [name, code] of Object.entries(expected)) {
    assert.equal(errors[brokerErrorTable[name]].code, code, name)
  }
})

test('client errors become Confluent errors', () => {
  const protocol = Object.assign(new Error('This server does not host this topic-partition.'), {
    code: 'PLT_KFK_PROTOCOL',
    apiId: 'UNKNOWN_TOPIC_OR_PARTITION'
  })
  const nested = new AggregateError([new AggregateError([protocol], 'response')], 'multiple')
  assert.deepEqual(toRestError(nested, 'x').toJSON(), {
    error_code: 40403,
    message: 'This server does not host this topic-partition.'
  })

  const network = Object.assign(new Error('Connection to 127.0.0.1:1 failed.'), { code: 'PLT_KFK_NETWORK' })
  const down = toRestError(new AggregateError([network], 'Cannot connect to any broker.'), 'describe cluster')
  assert.equal(down.errorCode, 50003)
  assert.equal(down.status, 500)
  assert.equal(down.message, 'Kafka is not reachable (describe cluster): Connection to 127.0.0.1:1 failed.')
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sourceName, toConfigEntry } from '../../../src/kafka/configs.ts'

test("config sources: Kafka's ids to Confluent's names, UNKNOWN for the rest", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map(sourceName), [
    'UNKNOWN',
    'DYNAMIC_TOPIC_CONFIG',
    'DYNAMIC_BROKER_CONFIG',
    'DYNAMIC_DEFAULT_BROKER_CONFIG',
    'STATIC_BROKER_CONFIG',
    'DEFAULT_CONFIG',
    'DYNAMIC_BROKER_LOGGER_CONFIG',
    'UNKNOWN',
    'UNKNOWN'
  ])
})

test('a described config: default only for DEFAULT_CONFIG, sensitive values hidden with their synonyms', () => {
  assert.deepEqual(
    toConfigEntry({
      name: 'compression.type',
      value: 'gzip',
      readOnly: false,
      configSource: 2,
      isSensitive: false,
      synonyms: [
        { name: 'compression.type', value: 'gzip', source: 2 },
        { name: 'compression.type', value: 'producer', source: 5 }
      ]
    }),
    {
      name: 'compression.type',
      value: 'gzip',
      isDefault: false,
      isReadOnly: false,
      isSensitive: false,
      source: 'DYNAMIC_BROKER_CONFIG',
      synonyms: [
        { name: 'compression.type', value: 'gzip', source: 'DYNAMIC_BROKER_CONFIG' },
        { name: 'compression.type', value: 'producer', source: 'DEFAULT_CONFIG' }
      ]
    }
  )
  const secret = toConfigEntry({
    name: 'ssl.key.password',
    value: 'hunter2',
    readOnly: true,
    configSource: 4,
    isSensitive: true,
    synonyms: [{ name: 'ssl.key.password', value: 'hunter2', source: 4 }]
  })
  assert.equal(secret.value, null)
  assert.deepEqual(secret.synonyms, [{ name: 'ssl.key.password', value: null, source: 'STATIC_BROKER_CONFIG' }])
  assert.equal(
    toConfigEntry({ name: 'x', value: null, readOnly: false, configSource: 5, isSensitive: false, synonyms: [] })
      .isDefault,
    true
  )
})

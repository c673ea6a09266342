import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type ConsumedRecord } from '../../../src/model/consumer.ts'
import { recordEncoder } from '../../../src/serde/consumed.ts'

const record = (over: Partial<ConsumedRecord> = {}): ConsumedRecord => ({
  topic: 'or"ders',
  partition: 2,
  offset: 9007199254740993n,
  timestamp: 1700000000123n,
  key: Buffer.from('k'),
  value: Buffer.from('{"a": [1, 2]}'),
  headers: [
    [Buffer.from('h'), Buffer.from([0xff, 0])],
    [Buffer.from('n'), null]
  ],
  ...over
})

test('binary records: base64 key/value, exact field order, 64-bit offsets written exactly', () => {
  const text = recordEncoder('binary', false)(record({ key: null }))
  assert.equal(
    text,
    '{"topic":"or\\"ders","key":null,"value":"eyJhIjogWzEsIDJdfQ==","partition":2,"offset":9007199254740993}'
  )
})

test('json records: bytes parsed and written compactly; bytes that are not JSON refuse the record with 40801', () => {
  const encode = recordEncoder('json', false)
  assert.equal(
    encode(record({ key: Buffer.from('"k"') })),
    '{"topic":"or\\"ders","key":"k","value":{"a":[1,2]},"partition":2,"offset":9007199254740993}'
  )
  assert.throws(
    () => encode(record()),
    (e: { errorCode: number; status: number }) => e.errorCode === 40801 && e.status === 408
  )
})

test('record.metadata adds timestamp and headers (base64 values, null kept)', () => {
  const text = recordEncoder('binary', true)(record())
  assert.deepEqual(JSON.parse(text.replace('9007199254740993', '1')), {
    topic: 'or"ders',
    key: 'aw==',
    value: 'eyJhIjogWzEsIDJdfQ==',
    partition: 2,
    offset: 1,
    timestamp: 1700000000123,
    headers: [
      { name: 'h', value: '/wA=' },
      { name: 'n', value: null }
    ]
  })
})

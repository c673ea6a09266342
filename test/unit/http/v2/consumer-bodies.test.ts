import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseCommit, parseCreate, parseSeek, parseSubscription } from '../../../../src/http/v2/consumer-bodies.ts'

const code = (fn: () => unknown) => {
  try {
    fn()
  } catch (e) {
    return (e as { errorCode: number }).errorCode
  }
  return undefined
}

test('create: Confluent field names and aliases; unknown fields are 422, wrong types 400', () => {
  assert.deepEqual(parseCreate(undefined), {
    name: undefined,
    format: undefined,
    autoOffsetReset: undefined,
    autoCommit: undefined,
    fetchMinBytes: undefined,
    requestTimeoutMs: undefined,
    recordMetadata: false
  })
  assert.deepEqual(
    parseCreate({ id: 'legacy', format: 'JSON', responseMinBytes: 10, requestWaitMs: '200', 'record.metadata': true }),
    {
      name: 'legacy',
      format: 'JSON',
      autoOffsetReset: undefined,
      autoCommit: undefined,
      fetchMinBytes: 10,
      requestTimeoutMs: 200,
      recordMetadata: true
    }
  )
  assert.equal(
    code(() => parseCreate({ nmae: 'x' })),
    422
  )
  assert.equal(
    code(() => parseCreate({ 'fetch.min.bytes': 'lots' })),
    400
  )
})

test('subscription: topics win over a pattern; neither is 422; a bad pattern 400', () => {
  assert.deepEqual(parseSubscription({ topics: ['a'], topic_pattern: 'b.*' }), { topics: ['a'] })
  assert.deepEqual(parseSubscription({ topic_pattern: 'b.*' }), { pattern: 'b.*' })
  assert.equal(
    code(() => parseSubscription({})),
    422
  )
  assert.equal(
    code(() => parseSubscription({ topic_pattern: '(' })),
    400
  )
})

test('seek: offsets and ISO-8601 timestamps; commit: no body means everything consumed', () => {
  assert.deepEqual(
    parseSeek({
      offsets: [{ topic: 't', partition: 0, offset: 5, metadata: 'm' }],
      timestamps: [{ topic: 't', partition: 1, timestamp: '2020-10-30T19:39:45Z' }]
    }),
    {
      offsets: [{ topic: 't', partition: 0, offset: 5n, metadata: 'm' }],
      timestamps: [{ topic: 't', partition: 1, timestamp: 1604086785000n }]
    }
  )
  assert.equal(
    code(() => parseSeek({ timestamps: [{ topic: 't', partition: 1, timestamp: 'yesterday' }] })),
    400
  )
  assert.equal(parseCommit(undefined), undefined)
  assert.deepEqual(parseCommit({ offsets: [{ topic: 't', partition: 0, offset: 1 }] }), [
    { topic: 't', partition: 0, offset: 1n, metadata: null }
  ])
})

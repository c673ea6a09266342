// v2 produce against the real broker: exact responses, and the bytes, partitions and keys that reached Kafka.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { murmur2 } from '../../../src/kafka/murmur2.ts'
import { startProxy } from '../../helpers/app.ts'
import { consumeAll, createTopic, uniqueName } from '../../helpers/kafka.ts'

const BINARY = 'application/vnd.kafka.binary.v2+json'
const JSON_V2 = 'application/vnd.kafka.json.v2+json'
const b64 = (s: string) => Buffer.from(s).toString('base64')
const javaPartition = (key: Buffer, count: number) => (murmur2(key) & 0x7fffffff) % count

async function post(app: Awaited<ReturnType<typeof startProxy>>, url: string, type: string, body: unknown) {
  return app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload: JSON.stringify(body) })
}

test('binary produce: keyed records land where Java would put them, bytes intact', async t => {
  const topic = await createTopic(t, { partitions: 3 })
  const app = await startProxy(t)
  const keys = ['alpha', 'beta', 'gamma', 'delta']
  const res = await post(app, `/topics/${topic}`, BINARY, {
    records: keys.map(k => ({ key: b64(k), value: b64(`value-${k}`) }))
  })
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['content-type'], 'application/vnd.kafka.v2+json')
  const body = res.json()
  assert.equal(body.key_schema_id, null)
  assert.equal(body.value_schema_id, null)
  const expected = keys.map(k => javaPartition(Buffer.from(k), 3))
  assert.deepEqual(
    body.offsets.map((o: { partition: number }) => o.partition),
    expected
  )
  for (const o of body.offsets) assert.deepEqual(Object.keys(o), ['partition', 'offset', 'error_code', 'error'])

  const messages = await consumeAll(topic, 4)
  for (const k of keys) {
    const m = messages.find(x => x.key?.toString() === k)!
    assert.equal(m.value.toString(), `value-${k}`)
    assert.equal(m.partition, javaPartition(Buffer.from(k), 3))
    const reported = body.offsets[keys.indexOf(k)]
    assert.equal(BigInt(reported.offset), m.offset)
  }
})

test('json produce: keys and values are compact JSON text (strings keep their quotes), null stays null', async t => {
  const topic = await createTopic(t)
  const app = await startProxy(t)
  const res = await post(app, `/topics/${topic}`, JSON_V2, {
    records: [{ key: 'k1', value: { a: [1, 2, { b: null }], s: 'x' } }, { value: 42 }, { key: null, value: null }]
  })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json().offsets, [
    { partition: 0, offset: 0, error_code: null, error: null },
    { partition: 0, offset: 1, error_code: null, error: null },
    { partition: 0, offset: 2, error_code: null, error: null }
  ])
  const [m0, m1, m2] = await consumeAll(topic, 3)
  assert.equal(m0.key.toString(), '"k1"')
  assert.equal(m0.value.toString(), '{"a":[1,2,{"b":null}],"s":"x"}')
  assert.equal(m1.key, undefined)
  assert.equal(m1.value.toString(), '42')
  assert.equal(m2.value, undefined)
})

test('produce to a partition: the path partition, overridden by a record partition', async t => {
  const topic = await createTopic(t, { partitions: 3 })
  const app = await startProxy(t)
  const res = await post(app, `/topics/${topic}/partitions/2`, BINARY, {
    records: [{ value: b64('a') }, { value: b64('b'), partition: 1 }]
  })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json().offsets, [
    { partition: 2, offset: 0, error_code: null, error: null },
    { partition: 1, offset: 0, error_code: null, error: null }
  ])
  const messages = await consumeAll(topic, 2)
  assert.deepEqual(messages.map(m => [m.partition, m.value.toString()]).sort(), [
    [1, 'b'],
    [2, 'a']
  ])
})

test('validation failures write nothing and answer the reference codes', async t => {
  const topic = await createTopic(t, { partitions: 2 })
  const app = await startProxy(t)
  const cases: [string, string, unknown, number, unknown][] = [
    [`/topics/${topic}`, BINARY, { records: [] }, 422, { error_code: 422, message: 'records must not be empty' }],
    [
      `/topics/${topic}`,
      BINARY,
      { records: [{ value: b64('ok') }], extra: 1 },
      422,
      { error_code: 422, message: 'Unrecognized field: extra' }
    ],
    [
      `/topics/${topic}`,
      BINARY,
      { records: [{ value: b64('ok') }, { value: '%%%' }] },
      400,
      { error_code: 400, message: 'Bad Request: records[1].value is not a valid base64 string' }
    ],
    [
      `/topics/${topic}`,
      BINARY,
      { records: [{ value: b64('ok') }, { value: b64('x'), partition: 5 }] },
      404,
      { error_code: 40402, message: 'Partition not found.' }
    ],
    [
      `/topics/${topic}/partitions/7`,
      BINARY,
      { records: [{ value: b64('x') }] },
      404,
      { error_code: 40402, message: 'Partition not found.' }
    ],
    [
      `/topics/${topic}/partitions/x`,
      BINARY,
      { records: [{ value: b64('x') }] },
      404,
      { error_code: 404, message: 'HTTP 404 Not Found' }
    ]
  ]
  for (const [url, type, body, status, expected] of cases) {
    const res = await post(app, url, type, body)
    assert.equal(res.statusCode, status, JSON.stringify(body))
    assert.deepEqual(res.json(), expected, JSON.stringify(body))
  }
  const noBody = await app.inject({ method: 'POST', url: `/topics/${topic}`, headers: { 'content-type': BINARY } })
  assert.equal(noBody.statusCode, 422)
  const malformed = await app.inject({
    method: 'POST',
    url: `/topics/${topic}`,
    headers: { 'content-type': BINARY },
    payload: '{"records":['
  })
  assert.equal(malformed.statusCode, 400)
  assert.equal(malformed.json().error_code, 400)
  const plainJson = await post(app, `/topics/${topic}`, 'application/json', { records: [{ value: 1 }] })
  assert.equal(plainJson.statusCode, 415)
  assert.deepEqual(plainJson.json(), { error_code: 415, message: 'HTTP 415 Unsupported Media Type' })

  const offsets = await app.inject(`/topics/${topic}/partitions/0/offsets`)
  const offsets1 = await app.inject(`/topics/${topic}/partitions/1/offsets`)
  assert.equal(offsets.json().end_offset + offsets1.json().end_offset, 0, 'nothing was written')
})

test('an unknown topic fails every record with 50003 within the bounded wait', async t => {
  const app = await startProxy(t)
  const topic = uniqueName('missing')
  const res = await post(app, `/topics/${topic}`, BINARY, { records: [{ value: b64('a') }, { value: b64('b') }] })
  assert.equal(res.statusCode, 200)
  const failure = {
    partition: null,
    offset: null,
    error_code: 50003,
    error: `Topic ${topic} not present in metadata after 5000 ms.`
  }
  assert.deepEqual(res.json(), { offsets: [failure, failure], key_schema_id: null, value_schema_id: null })
})

test('json produce: strings reach Kafka as compact JSON, with and without escapes in the body', async t => {
  const topic = await createTopic(t)
  const app = await startProxy(t)
  const plain = ['plain é 日本 😀', 'a/b', '']
  const escaped = ['quote " backslash \\ control \u0001 tab \t', '\u00e9 written as an escape']
  for (const values of [plain, escaped]) {
    const body = JSON.stringify({ records: values.map(value => ({ value })) })
    assert.equal(body.includes('\\'), values === escaped)
    const res = await app.inject({ method: 'POST', url: `/topics/${topic}`, headers: { 'content-type': JSON_V2 }, payload: body }) // prettier-ignore
    assert.equal(res.statusCode, 200, res.body)
  }
  // The escape of é in the body is not kept: Kafka gets the character, as JSON.stringify writes it.
  const unicodeEscape = '{"records":[{"value":"\\u00e9"}]}'
  const res = await app.inject({ method: 'POST', url: `/topics/${topic}`, headers: { 'content-type': JSON_V2 }, payload: unicodeEscape }) // prettier-ignore
  assert.equal(res.statusCode, 200, res.body)
  const messages = await consumeAll(topic, 6)
  assert.deepEqual(
    messages.map(m => m.value.toString()),
    [...plain, ...escaped, 'é'].map(v => JSON.stringify(v))
  )
})

test('records without a key: each send sticks to one partition, and sends spread over the partitions', async t => {
  const topic = await createTopic(t, { partitions: 6 })
  const app = await startProxy(t)
  const used = new Set<number>()
  for (let i = 0; i < 30; i++) {
    const res = await post(app, `/topics/${topic}`, BINARY, {
      records: [1, 2, 3].map(n => ({ value: b64(`${i}-${n}`) }))
    })
    assert.equal(res.statusCode, 200)
    const partitions = new Set(res.json().offsets.map((o: { partition: number }) => o.partition))
    assert.equal(partitions.size, 1, res.body)
    used.add([...partitions][0] as number)
  }
  // 30 sends over 6 partitions: all on fewer than 4 is vanishingly unlikely with a uniform choice.
  assert.ok(used.size >= 4, `partitions used: ${[...used].join(',')}`)
  const messages = await consumeAll(topic, 90)
  assert.equal(messages.length, 90)
})

test('concurrent requests to one partition: every record acknowledged once, offsets unique and in request order', async t => {
  const topic = await createTopic(t, { partitions: 1 })
  const app = await startProxy(t)
  const requests = 40
  const perRequest = 25
  const responses = await Promise.all(
    Array.from({ length: requests }, (_, r) =>
      post(app, `/topics/${topic}`, BINARY, {
        records: Array.from({ length: perRequest }, (_, i) => ({ value: b64(`${r}-${i}`) }))
      })
    )
  )
  const offsets = new Map<string, number>()
  responses.forEach((res, r) => {
    assert.equal(res.statusCode, 200, res.body)
    const reported = res.json().offsets as { offset: number; error_code: null }[]
    reported.forEach((o, i) => {
      assert.equal(o.error_code, null)
      if (i > 0) assert.ok(o.offset > reported[i - 1].offset)
      offsets.set(`${r}-${i}`, o.offset)
    })
  })
  assert.equal(new Set(offsets.values()).size, requests * perRequest)
  // Kafka holds exactly those records (idempotent sequence numbers accepted, nothing doubled), where reported.
  const messages = await consumeAll(topic, requests * perRequest)
  assert.equal(messages.length, requests * perRequest)
  for (const m of messages) assert.equal(BigInt(offsets.get(m.value.toString())!), m.offset)
})

test('a request larger than max.request.size leaves in several sends, each within a default broker batch limit', async t => {
  // The topic takes batches up to Kafka's default message.max.bytes (the test broker's own limit is larger).
  const topic = await createTopic(t, { configs: { 'max.message.bytes': '1048588' } })
  const app = await startProxy(t)
  // 16 records of 100 KiB, all for the one partition: the first four leave in two early sends of 128 KiB, and
  // the next 12 pass 1 MiB while those are in flight.
  const values = Array.from({ length: 16 }, (_, i) => Buffer.alloc(100 * 1024, 97 + i))
  const res = await post(app, `/topics/${topic}`, BINARY, {
    records: values.map(v => ({ value: v.toString('base64') }))
  })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(
    res.json().offsets,
    values.map((_, i) => ({ partition: 0, offset: i, error_code: null, error: null }))
  )
  const messages = await consumeAll(topic, 16)
  assert.deepEqual(
    messages.map(m => [m.offset, m.value.equals(values[Number(m.offset)])]),
    values.map((_, i) => [BigInt(i), true])
  )
})

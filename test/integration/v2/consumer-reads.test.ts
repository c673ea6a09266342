// v2 consumer reads against the real broker: byte limits and timeouts, latency, the json format's errors, record
// metadata, and idle expiry.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startProxy } from '../../helpers/app.ts'
import {
  b64,
  BINARY,
  call,
  createConsumer,
  groupOffsets,
  JSON_V2,
  post204,
  read,
  readN,
  readRecords,
  sleep
} from '../../helpers/consumers.ts'
import { eventually } from '../../helpers/eventually.ts'
import { createTopic, produceRaw, uniqueName } from '../../helpers/kafka.ts'

const notFound = { error_code: 40403, message: 'Consumer instance not found.' }
// One record object of a plain (no record.metadata) binary read, in upstream's field order.
const binaryRecord =
  /\{"topic":"[^"]+","key":(null|"[A-Za-z0-9+/=]*"),"value":(null|"[A-Za-z0-9+/=]*"),"partition":\d+,"offset":\d+\}/
const binaryBody = new RegExp(`^\\[(${binaryRecord.source}(,${binaryRecord.source})*)?\\]$`)

test('max_bytes splits a read without losing records; an empty partition answers [] after the timeout', async t => {
  const topic = await createTopic(t, { partitions: 2 })
  const app = await startProxy(t)
  const group = uniqueName('g-bytes')
  await produceRaw(
    topic,
    [0, 1, 2, 3, 4].map(i => ({ value: Buffer.alloc(100, 97 + i), partition: 0 }))
  )
  const c = await createConsumer(app, group, { name: 'c', 'auto.commit.enable': 'false' })
  await post204(app, `${c}/assignments`, { partitions: [{ topic, partition: 0 }] })
  await post204(app, `${c}/positions/beginning`, { partitions: [{ topic, partition: 0 }] })
  const value = (i: number) => b64(Buffer.alloc(100, 97 + i))
  const first = await read(app, c, { timeout: 5000, max_bytes: 250 })
  assert.deepEqual(first, [
    { topic, key: null, value: value(0), partition: 0, offset: 0 },
    { topic, key: null, value: value(1), partition: 0, offset: 1 }
  ])
  const second = await read(app, c, { timeout: 5000 })
  assert.deepEqual(
    second,
    [2, 3, 4].map(i => ({ topic, key: null, value: value(i), partition: 0, offset: i }))
  )

  const empty = await createConsumer(app, group, { name: 'empty', 'auto.commit.enable': 'false' })
  await post204(app, `${empty}/assignments`, { partitions: [{ topic, partition: 1 }] })
  const started = Date.now()
  const res = await readRecords(app, empty, { timeout: 300 })
  const elapsed = Date.now() - started
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['content-type'], BINARY)
  assert.equal(res.body, '[]')
  assert.ok(elapsed >= 250, `answered after ${elapsed} ms`)
  assert.ok(elapsed < 5000, `answered after ${elapsed} ms`)
})

test('a waiting read answers as soon as a record arrives, not at its timeout', async t => {
  const topic = await createTopic(t)
  const app = await startProxy(t)
  const group = uniqueName('g-latency')
  const c = await createConsumer(app, group, {
    name: 'c',
    'auto.commit.enable': 'false',
    'consumer.request.timeout.ms': 10000
  })
  await post204(app, `${c}/assignments`, { partitions: [{ topic, partition: 0 }] })
  await post204(app, `${c}/positions/end`, { partitions: [{ topic, partition: 0 }] })
  const started = Date.now()
  const reading = read(app, c, { timeout: 10000 })
  await sleep(300)
  await produceRaw(topic, [{ key: Buffer.from('k'), value: Buffer.from('late'), partition: 0 }])
  const records = await reading
  const elapsed = Date.now() - started
  assert.deepEqual(records, [{ topic, key: b64('k'), value: b64('late'), partition: 0, offset: 0 }])
  assert.ok(elapsed < 8000, `the read took ${elapsed} ms`)
})

test('json format: exact JSON values, 406 for another format, 408 on bytes that are not JSON', async t => {
  const topic = await createTopic(t)
  const app = await startProxy(t)
  const produced = await call(
    app,
    'POST',
    `/topics/${topic}`,
    {
      records: [{ key: 'k1', value: { a: [1, 2, { b: null }], s: 'x' } }, { value: 42 }, { key: [true], value: null }]
    },
    { 'content-type': JSON_V2 }
  )
  assert.equal(produced.statusCode, 200, produced.body)

  const group = uniqueName('g-json')
  const c = await createConsumer(app, group, {
    name: 'c',
    format: 'json',
    'auto.commit.enable': 'false',
    'consumer.request.timeout.ms': 5000
  })
  await post204(app, `${c}/assignments`, { partitions: [{ topic, partition: 0 }] })
  await post204(app, `${c}/positions/beginning`, { partitions: [{ topic, partition: 0 }] })

  const wrong = await readRecords(app, c, { timeout: 100 }, BINARY)
  assert.equal(wrong.statusCode, 406)
  assert.equal(wrong.headers['content-type'], BINARY)
  assert.deepEqual(wrong.json(), {
    error_code: 40601,
    message: 'The requested embedded data format does not match the deserializer for this consumer instance'
  })

  const json = { timeoutMs: 15000, accept: JSON_V2, timeout: 5000 }
  assert.deepEqual(await readN(app, c, 3, json), [
    { topic, key: 'k1', value: { a: [1, 2, { b: null }], s: 'x' }, partition: 0, offset: 0 },
    { topic, key: null, value: 42, partition: 0, offset: 1 },
    { topic, key: [true], value: null, partition: 0, offset: 2 }
  ])

  // A good record, one that is not JSON, another good one: the first is read, then 408 until a seek past it.
  await produceRaw(topic, [
    { value: Buffer.from('"ok"'), partition: 0 },
    { value: Buffer.from('not json{'), partition: 0 },
    { value: Buffer.from('{"after":1}'), partition: 0 }
  ])
  assert.deepEqual(await readN(app, c, 1, json), [{ topic, key: null, value: 'ok', partition: 0, offset: 3 }])
  for (let i = 0; i < 2; i++) {
    const res = await readRecords(app, c, { timeout: 5000 }, JSON_V2)
    assert.equal(res.statusCode, 408, res.body)
    assert.equal(res.headers['content-type'], JSON_V2)
    assert.equal(res.json().error_code, 40801)
    assert.match(res.json().message, /^Error deserializing message/)
  }
  await post204(app, `${c}/positions`, { offsets: [{ topic, partition: 0, offset: 5 }] })
  assert.deepEqual(await readN(app, c, 1, json), [{ topic, key: null, value: { after: 1 }, partition: 0, offset: 5 }])

  // A binary instance of another group reads the same records untroubled.
  const other = await createConsumer(app, uniqueName('g-json-bin'), {
    name: 'bin',
    'auto.offset.reset': 'earliest',
    'auto.commit.enable': 'false'
  })
  await post204(app, `${other}/assignments`, { partitions: [{ topic, partition: 0 }] })
  const bytes = await readN(app, other, 6)
  assert.deepEqual(
    bytes.map(r => r.value),
    [b64('{"a":[1,2,{"b":null}],"s":"x"}'), b64('42'), null, b64('"ok"'), b64('not json{'), b64('{"after":1}')]
  )
})

test('"record.metadata": true adds timestamp and headers; without it records have exactly five fields', async t => {
  const topic = await createTopic(t)
  const app = await startProxy(t)
  const timestamp = 1700000000123n
  await produceRaw(topic, [
    {
      key: Buffer.from('k'),
      value: Buffer.from('v'),
      partition: 0,
      timestamp,
      headers: new Map([
        [Buffer.from('h1'), Buffer.from('one')],
        [Buffer.from('h2'), Buffer.from([0, 1, 2])]
      ])
    },
    { value: Buffer.from('plain'), partition: 0, timestamp: timestamp + 1n }
  ])
  const group = uniqueName('g-meta')
  const assign = async (path: string) => {
    await post204(app, `${path}/assignments`, { partitions: [{ topic, partition: 0 }] })
    await post204(app, `${path}/positions/beginning`, { partitions: [{ topic, partition: 0 }] })
  }
  const withMeta = await createConsumer(app, group, {
    name: 'meta',
    'auto.commit.enable': 'false',
    'record.metadata': true
  })
  await assign(withMeta)
  const records = await readN(app, withMeta, 2)
  assert.deepEqual(records, [
    {
      topic,
      key: b64('k'),
      value: b64('v'),
      partition: 0,
      offset: 0,
      timestamp: Number(timestamp),
      headers: [
        { name: 'h1', value: b64('one') },
        { name: 'h2', value: b64(Buffer.from([0, 1, 2])) }
      ]
    },
    { topic, key: null, value: b64('plain'), partition: 0, offset: 1, timestamp: Number(timestamp) + 1, headers: [] }
  ])
  for (const r of records) {
    assert.deepEqual(Object.keys(r), ['topic', 'key', 'value', 'partition', 'offset', 'timestamp', 'headers'])
  }

  const plain = await createConsumer(app, group, { name: 'plain', 'auto.commit.enable': 'false' })
  await assign(plain)
  const res = await readRecords(app, plain, { timeout: 5000 })
  assert.equal(res.statusCode, 200)
  assert.match(res.body, binaryBody)
  const first = res.json()[0]
  assert.deepEqual(first, { topic, key: b64('k'), value: b64('v'), partition: 0, offset: 0 })
})

test('an idle instance expires: 404 afterwards, and with auto-commit its position is committed', async t => {
  const topic = await createTopic(t)
  const app = await startProxy(t, {
    'consumer.instance.timeout.ms': '1000',
    // Only the expiry may commit here.
    'consumer.auto.commit.interval.ms': '600000'
  })
  await produceRaw(
    topic,
    [0, 1, 2].map(i => ({ value: Buffer.from(`v${i}`), partition: 0 }))
  )
  const group = uniqueName('g-expiry')
  const c = await createConsumer(app, group, {
    name: 'c',
    'auto.commit.enable': 'true',
    'consumer.request.timeout.ms': 5000
  })
  await post204(app, `${c}/assignments`, { partitions: [{ topic, partition: 0 }] })
  await post204(app, `${c}/positions/beginning`, { partitions: [{ topic, partition: 0 }] })
  assert.equal((await readN(app, c, 3, { timeout: 800 })).length, 3)
  const lastTouch = Date.now()
  assert.deepEqual(await groupOffsets(group), new Map(), 'nothing committed before the expiry')

  // Any call on the instance would keep it alive: wait on Kafka instead.
  await eventually('the expired instance to commit', async () => (await groupOffsets(group)).size > 0, 15000)
  assert.ok(Date.now() - lastTouch >= 900, `expired ${Date.now() - lastTouch} ms after the last call`)
  assert.deepEqual(await groupOffsets(group), new Map([[`${topic}/0`, 3n]]))
  const res = await call(app, 'GET', `${c}/assignments`)
  assert.equal(res.statusCode, 404)
  assert.deepEqual(res.json(), notFound)
})

// v2 metadata endpoints against the real broker: exact status, content type and body.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startProxy } from '../../helpers/app.ts'
import { createTopic, produceRaw, uniqueName } from '../../helpers/kafka.ts'

const V2 = 'application/vnd.kafka.v2+json'

test('GET / and GET /brokers', async t => {
  const app = await startProxy(t)
  const root = await app.inject('/')
  assert.equal(root.statusCode, 200)
  assert.equal(root.headers['content-type'], V2)
  assert.equal(root.body, '{}')

  const brokers = await app.inject('/brokers')
  assert.equal(brokers.statusCode, 200)
  assert.equal(brokers.headers['content-type'], V2)
  assert.deepEqual(brokers.json(), { brokers: [1] })
})

test('GET /topics lists created topics, sorted, without internal topics', async t => {
  const b = await createTopic(t, { name: uniqueName('v2-list-b') })
  const a = await createTopic(t, { name: uniqueName('v2-list-a') })
  const app = await startProxy(t)
  const res = await app.inject('/topics')
  assert.equal(res.statusCode, 200)
  const names = res.json<string[]>()
  assert.ok(names.includes(a) && names.includes(b))
  assert.deepEqual(names, [...names].sort())
  assert.equal(names.filter(n => n.startsWith('__')).length, 0)
})

test('GET /topics/{t} shows configs and partitions', async t => {
  const topic = await createTopic(t, {
    partitions: 3,
    configs: { 'retention.ms': '123456', 'cleanup.policy': 'compact' }
  })
  const app = await startProxy(t)
  const res = await app.inject(`/topics/${topic}`)
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['content-type'], V2)
  const body = res.json()
  assert.equal(body.name, topic)
  assert.equal(body.configs['retention.ms'], '123456')
  assert.equal(body.configs['cleanup.policy'], 'compact')
  assert.equal(typeof body.configs['max.message.bytes'], 'string') // defaults are included too
  assert.deepEqual(
    body.partitions,
    [0, 1, 2].map(p => ({ partition: p, leader: 1, replicas: [{ broker: 1, leader: true, in_sync: true }] }))
  )
})

test('partitions: list, get and offsets reflect what is in Kafka', async t => {
  const topic = await createTopic(t, { partitions: 2 })
  await produceRaw(
    topic,
    [0, 1, 2].map(i => ({ partition: 1, value: Buffer.from(`v${i}`) }))
  )
  const app = await startProxy(t)

  const list = await app.inject(`/topics/${topic}/partitions`)
  assert.equal(list.statusCode, 200)
  assert.deepEqual(
    list.json(),
    [0, 1].map(p => ({ partition: p, leader: 1, replicas: [{ broker: 1, leader: true, in_sync: true }] }))
  )

  const one = await app.inject(`/topics/${topic}/partitions/1`)
  assert.equal(one.statusCode, 200)
  assert.deepEqual(one.json(), { partition: 1, leader: 1, replicas: [{ broker: 1, leader: true, in_sync: true }] })

  assert.deepEqual((await app.inject(`/topics/${topic}/partitions/1/offsets`)).json(), {
    beginning_offset: 0,
    end_offset: 3
  })
  assert.deepEqual((await app.inject(`/topics/${topic}/partitions/0/offsets`)).json(), {
    beginning_offset: 0,
    end_offset: 0
  })
})

test('unknown topics and partitions, and non-integer partitions, answer the reference codes', async t => {
  const topic = await createTopic(t)
  const app = await startProxy(t)
  const missing = uniqueName('missing')
  const cases: [string, number, { error_code: number; message: string }][] = [
    [`/topics/${missing}`, 404, { error_code: 40403, message: 'This server does not host this topic-partition.' }],
    [
      `/topics/${missing}/partitions`,
      404,
      { error_code: 40403, message: 'This server does not host this topic-partition.' }
    ],
    [
      `/topics/${missing}/partitions/0`,
      404,
      { error_code: 40403, message: 'This server does not host this topic-partition.' }
    ],
    [`/topics/${topic}/partitions/5`, 404, { error_code: 40402, message: 'Partition not found.' }],
    [`/topics/${topic}/partitions/-1`, 404, { error_code: 40402, message: 'Partition not found.' }],
    [`/topics/${topic}/partitions/5/offsets`, 404, { error_code: 40402, message: 'Partition not found.' }],
    [`/topics/${topic}/partitions/one`, 404, { error_code: 404, message: 'HTTP 404 Not Found' }],
    [`/topics/${topic}/partitions/1.5/offsets`, 404, { error_code: 404, message: 'HTTP 404 Not Found' }]
  ]
  for (const [url, status, body] of cases) {
    const res = await app.inject(url)
    assert.equal(res.statusCode, status, url)
    assert.equal(res.headers['content-type'], V2, url)
    assert.deepEqual(res.json(), body, url)
  }
})

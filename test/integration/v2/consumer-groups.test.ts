// v2 consumer instances as group members against the real broker: partitions shared between instances and with
// native consumers, pattern subscriptions, and committed offsets that outlive the proxy.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Consumer } from '@platformatic/kafka'
import { type FastifyInstance } from 'fastify'
import { startProxy } from '../../helpers/app.ts'
import {
  b64,
  byPosition,
  call,
  createConsumer,
  groupOffsets,
  post204,
  read,
  readN,
  type RestRecord,
  V2
} from '../../helpers/consumers.ts'
import { eventually } from '../../helpers/eventually.ts'
import { bootstrapServers, createTopic, produceRaw, uniqueName } from '../../helpers/kafka.ts'

type TopicPartition = { topic: string; partition: number }

async function assignment(app: FastifyInstance, path: string): Promise<number[]> {
  const res = await call(app, 'GET', `${path}/assignments`)
  assert.equal(res.statusCode, 200, res.body)
  assert.equal(res.headers['content-type'], V2)
  return (res.json().partitions as TopicPartition[]).map(p => p.partition).sort((a, b) => a - b)
}

const disjointCover = (parts: number[][], count: number): boolean => {
  const all = parts.flat().sort((a, b) => a - b)
  return parts.every(p => p.length > 0) && all.length === count && all.every((p, i) => p === i)
}

const valuesOf = (records: RestRecord[]) => records.map(r => Buffer.from(r.value as string, 'base64').toString()).sort()

test('two instances share a topic: disjoint assignments, every record once, takeover after a delete', async t => {
  const topic = await createTopic(t, { partitions: 4 })
  const app = await startProxy(t)
  const group = uniqueName('g-share')
  const settings = { format: 'binary', 'auto.offset.reset': 'earliest', 'auto.commit.enable': 'false' }
  const a = await createConsumer(app, group, { name: 'a', ...settings })
  const b = await createConsumer(app, group, { name: 'b', ...settings })
  await post204(app, `${a}/subscription`, { topics: [topic] })
  await post204(app, `${b}/subscription`, { topics: [topic] })
  const subscription = await call(app, 'GET', `${a}/subscription`)
  assert.equal(subscription.statusCode, 200)
  assert.deepEqual(subscription.json(), { topics: [topic] })
  // Assigning a subscribed instance is refused.
  const assign = await call(app, 'POST', `${a}/assignments`, { partitions: [{ topic, partition: 0 }] })
  assert.equal(assign.statusCode, 409)
  assert.deepEqual(assign.json(), {
    error_code: 40903,
    message: 'Illegal state: Subscription to topics, partitions and pattern are mutually exclusive'
  })

  // The joins happen in the background; reads (empty: nothing is produced yet) never wait for them.
  let parts: number[][] = []
  await eventually(
    'both instances to share the 4 partitions',
    async () => {
      assert.deepEqual(await read(app, a, { timeout: 100 }), [])
      assert.deepEqual(await read(app, b, { timeout: 100 }), [])
      parts = [await assignment(app, a), await assignment(app, b)]
      return disjointCover(parts, 4)
    },
    20000
  )

  const produced = Array.from({ length: 20 }, (_, i) => ({ value: Buffer.from(`r${i}`), partition: i % 4 }))
  await produceRaw(topic, produced)
  const got: { a: RestRecord[]; b: RestRecord[] } = { a: [], b: [] }
  const deadline = Date.now() + 15000
  while (got.a.length + got.b.length < 20 && Date.now() < deadline) {
    got.a.push(...(await read(app, a, { timeout: 200 })))
    got.b.push(...(await read(app, b, { timeout: 200 })))
  }
  assert.deepEqual(await read(app, a, { timeout: 200 }), [])
  assert.deepEqual(await read(app, b, { timeout: 200 }), [])
  assert.deepEqual(valuesOf([...got.a, ...got.b]), produced.map(r => r.value.toString()).sort())
  // Each read only its own partitions.
  assert.ok(got.a.every(r => parts[0].includes(r.partition)))
  assert.ok(got.b.every(r => parts[1].includes(r.partition)))

  // Both commit; b leaves; a takes b's partitions over from b's committed offsets.
  for (const path of [a, b]) assert.equal((await call(app, 'POST', `${path}/offsets`)).statusCode, 200)
  assert.deepEqual(await groupOffsets(group), new Map([0, 1, 2, 3].map(p => [`${topic}/${p}`, 5n])))
  assert.equal((await call(app, 'DELETE', b)).statusCode, 204)
  await eventually(
    'a to get all 4 partitions',
    async () => {
      await read(app, a, { timeout: 100 })
      return (await assignment(app, a)).length === 4
    },
    20000
  )
  const later = [0, 1, 2, 3].map(partition => ({ value: Buffer.from(`later-${partition}`), partition }))
  await produceRaw(topic, later)
  const rest = (await readN(app, a, 4)).sort(byPosition)
  assert.deepEqual(
    rest,
    later.map(r => ({ topic, key: null, value: b64(r.value), partition: r.partition, offset: 5 }))
  )
})

test('a native consumer of the same group shares the partitions with a proxy instance', async t => {
  const topic = await createTopic(t, { partitions: 4 })
  const app = await startProxy(t)
  const group = uniqueName('g-native')
  const c = await createConsumer(app, group, {
    name: 'c',
    'auto.offset.reset': 'earliest',
    'auto.commit.enable': 'false'
  })
  await post204(app, `${c}/subscription`, { topics: [topic] })
  await eventually(
    'the instance to own the 4 partitions',
    async () => {
      await read(app, c, { timeout: 100 })
      return (await assignment(app, c)).length === 4
    },
    20000
  )

  const native = new Consumer({
    clientId: 'test-native',
    groupId: group,
    bootstrapBrokers: bootstrapServers().split(',')
  })
  t.after(() => native.close(true))
  const stream = await native.consume({ topics: [topic], mode: 'earliest', autocommit: false })
  stream.on('data', () => undefined)
  let parts: number[][] = []
  await eventually(
    'the proxy instance and the native consumer to split the partitions',
    async () => {
      await read(app, c, { timeout: 100 })
      const mine = (native.assignments ?? []).filter(a => a.topic === topic).flatMap(a => a.partitions)
      parts = [await assignment(app, c), mine.sort((x, y) => x - y)]
      return disjointCover(parts, 4)
    },
    20000
  )
  assert.equal(parts[0].length, 2)
  assert.equal(parts[1].length, 2)
  await native.close(true)
})

test('topic_pattern subscribes to every matching topic; unsubscribe empties the subscription', async t => {
  const prefix = uniqueName('pat')
  const first = await createTopic(t, { name: `${prefix}-one` })
  const second = await createTopic(t, { name: `${prefix}-two`, partitions: 2 })
  await createTopic(t, { name: `x${prefix}-three` })
  await produceRaw(first, [{ value: Buffer.from('one'), partition: 0 }])
  await produceRaw(second, [
    { value: Buffer.from('two-0'), partition: 0 },
    { value: Buffer.from('two-1'), partition: 1 }
  ])
  const app = await startProxy(t)
  const group = uniqueName('g-pattern')
  const c = await createConsumer(app, group, {
    name: 'c',
    'auto.offset.reset': 'earliest',
    'auto.commit.enable': 'false'
  })
  await post204(app, `${c}/subscription`, { topic_pattern: `^${prefix}-.*` })
  await eventually(
    'the subscription to list both topics',
    async () => {
      const res = await call(app, 'GET', `${c}/subscription`)
      assert.equal(res.statusCode, 200)
      assert.equal(res.headers['content-type'], V2)
      return JSON.stringify((res.json().topics as string[]).sort()) === JSON.stringify([first, second])
    },
    20000
  )
  const records = (await readN(app, c, 3)).sort(byPosition)
  assert.deepEqual(records, [
    { topic: first, key: null, value: b64('one'), partition: 0, offset: 0 },
    { topic: second, key: null, value: b64('two-0'), partition: 0, offset: 0 },
    { topic: second, key: null, value: b64('two-1'), partition: 1, offset: 0 }
  ])

  const unsubscribe = await call(app, 'DELETE', `${c}/subscription`)
  assert.equal(unsubscribe.statusCode, 204)
  assert.equal(unsubscribe.body, '')
  const after = await call(app, 'GET', `${c}/subscription`)
  assert.equal(after.statusCode, 200)
  assert.equal(after.body, '{"topics":[]}')
  assert.deepEqual(await assignment(app, c), [])
})

test('after a proxy restart instances are gone, and the group continues from its committed offsets', async t => {
  const topic = await createTopic(t, { partitions: 2 })
  const group = uniqueName('g-restart')
  const settings = { name: 'c', 'auto.offset.reset': 'earliest', 'auto.commit.enable': 'false' }
  const first = await startProxy(t)
  const c = await createConsumer(first, group, settings)
  await post204(first, `${c}/subscription`, { topics: [topic] })
  const before = Array.from({ length: 6 }, (_, i) => ({ value: Buffer.from(`before-${i}`), partition: i % 2 }))
  await produceRaw(topic, before)
  assert.deepEqual(valuesOf(await readN(first, c, 6)), before.map(r => r.value.toString()).sort())
  const commit = await call(first, 'POST', `${c}/offsets`)
  assert.equal(commit.statusCode, 200)
  assert.equal(commit.body, '[]')
  const after = [0, 1, 2].map(i => ({ value: Buffer.from(`after-${i}`), partition: i % 2 }))
  await produceRaw(topic, after)
  await first.close()

  const second = await startProxy(t)
  for (const [method, suffix] of [
    ['GET', '/subscription'],
    ['GET', '/assignments']
  ] as const) {
    const res = await call(second, method, `${c}${suffix}`)
    assert.equal(res.statusCode, 404)
    assert.deepEqual(res.json(), { error_code: 40403, message: 'Consumer instance not found.' })
  }
  const res = await call(second, 'GET', `${c}/records`)
  assert.equal(res.statusCode, 404)

  const again = await createConsumer(second, group, settings)
  await post204(second, `${again}/subscription`, { topics: [topic] })
  assert.deepEqual(
    valuesOf(await readN(second, again, 3, { timeoutMs: 20000 })),
    after.map(r => r.value.toString()).sort()
  )
  assert.deepEqual(await read(second, again, { timeout: 300 }), [])
})

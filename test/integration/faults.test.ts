// Kafka unavailable: the proxy starts anyway, metadata calls fail fast with a 5xx Confluent error, the proxy
// recovers by itself when Kafka comes (back), and a consumer instance survives a broker restart. Each test uses its
// own broker so the shared one is never stopped.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Admin, Producer, ProduceAcks } from '@platformatic/kafka'
import { pickFreePorts, startKafka } from '../../tools/kafka/runtime.ts'
import { startProxy } from '../helpers/app.ts'
import { eventually } from '../helpers/eventually.ts'

test('Kafka down at start, up, down and up again', async t => {
  const [client, controller] = await pickFreePorts(2)
  const dir = await mkdtemp(join(tmpdir(), 'kafka-rest-faults-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const app = await startProxy(t, { 'bootstrap.servers': `127.0.0.1:${client}`, 'kafka.operation.timeout.ms': '5000' })

  const assertDown = async (url: string) => {
    const res = await app.inject(url)
    assert.equal(res.statusCode, 500, url)
    assert.equal(
      res.headers['content-type'],
      url.startsWith('/v3') ? 'application/json' : 'application/vnd.kafka.v2+json'
    )
    const body = res.json()
    assert.equal(body.error_code, 50003, url)
    assert.match(body.message, /Kafka is not reachable|Timed out after 5000 ms waiting for Kafka/, url)
  }

  // The proxy itself answers without Kafka.
  assert.equal((await app.inject('/')).statusCode, 200)
  await assertDown('/v3/clusters')
  await assertDown('/topics')
  await assertDown('/brokers')

  const kafka = await startKafka({ dataDir: dir, ports: [{ client, controller }], fresh: true })
  t.after(() => kafka.stop())
  const clusterUp = async () => (await app.inject('/v3/clusters')).statusCode === 200
  await eventually('the proxy to see Kafka', clusterUp)
  assert.equal((await app.inject('/v3/clusters')).json().data[0].cluster_id, kafka.clusterId)
  assert.deepEqual((await app.inject('/brokers')).json(), { brokers: [1] })

  await kafka.stop()
  await assertDown('/v3/clusters')

  await kafka.restart()
  await eventually('the proxy to see Kafka again', clusterUp)
  assert.deepEqual((await app.inject('/brokers')).json(), { brokers: [1] })
})

test('a broker restart under a consumer instance: reads fail fast or wait, then resume without loss or repeats', async t => {
  const [client, controller] = await pickFreePorts(2)
  const dir = await mkdtemp(join(tmpdir(), 'kafka-rest-faults-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const kafka = await startKafka({ dataDir: dir, ports: [{ client, controller }], fresh: true })
  t.after(() => kafka.stop())
  const bootstrapBrokers = [`127.0.0.1:${client}`]
  const app = await startProxy(t, { 'bootstrap.servers': bootstrapBrokers[0], 'kafka.operation.timeout.ms': '5000' })
  const topic = 'restart-under-reads'
  const admin = new Admin({ clientId: 'faults', bootstrapBrokers })
  await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 })
  await admin.close()
  const produce = async (values: string[]) => {
    const producer = new Producer({ clientId: 'faults', bootstrapBrokers, retries: 10, retryDelay: 300 })
    try {
      await producer.send({
        acks: ProduceAcks.ALL,
        messages: values.map(v => ({ topic, partition: 0, value: Buffer.from(v) }))
      })
    } finally {
      await producer.close()
    }
  }
  await produce(['a', 'b', 'c'])

  const V2 = { 'content-type': 'application/vnd.kafka.v2+json' }
  const base = '/consumers/faults/instances/c1'
  const call = (method: 'GET' | 'POST', url: string, body?: unknown) =>
    app.inject({
      method,
      url,
      headers: { ...V2, accept: '*/*' },
      payload: body === undefined ? undefined : JSON.stringify(body)
    })
  assert.equal(
    (
      await call('POST', '/consumers/faults', {
        name: 'c1',
        'auto.offset.reset': 'earliest',
        'auto.commit.enable': 'false'
      })
    ).statusCode,
    200
  )
  assert.equal((await call('POST', `${base}/assignments`, { partitions: [{ topic, partition: 0 }] })).statusCode, 204)
  // The offsets a read answered, or [] when it failed (Kafka away).
  const offsetsRead = async (timeout: number): Promise<number[]> => {
    const res = await call('GET', `${base}/records?timeout=${timeout}`)
    return res.statusCode === 200 ? res.json<{ offset: number }[]>().map(r => r.offset) : []
  }
  const before: number[] = []
  await eventually('the first records', async () => {
    before.push(...(await offsetsRead(1000)))
    return before.length >= 3
  })
  assert.deepEqual(before, [0, 1, 2])
  assert.equal((await call('POST', `${base}/offsets`)).statusCode, 200)

  await kafka.stop()
  const started = Date.now()
  const res = await call('GET', `${base}/records?timeout=1000`)
  // Either an empty answer at the timeout or a retriable Kafka error; never a hang.
  if (res.statusCode === 200) assert.deepEqual(res.json(), [])
  else assert.deepEqual([res.statusCode, res.json().error_code], [500, 50003])
  assert.ok(Date.now() - started < 8000, 'the read answered within its bounds')

  await kafka.restart()
  await produce(['d', 'e'])
  const after: number[] = []
  await eventually(
    'the reads to resume',
    async () => {
      after.push(...(await offsetsRead(1000)))
      return after.length >= 2
    },
    30_000
  )
  assert.deepEqual(after, [3, 4])
  const committed = await app.inject({
    method: 'GET',
    url: `${base}/offsets`,
    headers: V2,
    payload: JSON.stringify({ partitions: [{ topic, partition: 0 }] })
  })
  assert.deepEqual(committed.json(), { offsets: [{ topic, partition: 0, offset: 3, metadata: '' }] })
})

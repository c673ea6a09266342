// The Kafka test infrastructure itself: the shared broker from test/global-setup.ts via the helpers, and
// tools/kafka/runtime.ts starting and restarting a broker of its own.
import { Admin } from '@platformatic/kafka'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { canConnect, startKafka } from '../../tools/kafka/runtime.ts'
import { bootstrapServers, clusterId, consumeAll, createTopic, produceRaw, uniqueName } from '../helpers/kafka.ts'

void test('the shared test broker round-trips raw bytes', async t => {
  assert.match(clusterId(), /^[\w-]{22}$/)
  const topic = await createTopic(t)
  const records = [
    { key: Buffer.from('k1'), value: Buffer.from([0x00, 0xff, 0x10, 0x80]) },
    { key: Buffer.from('k2'), value: Buffer.from('{"a":1}') }
  ]
  assert.deepEqual(await produceRaw(topic, records), [{ topic, partition: 0, offset: 0n }])

  const consumed = await consumeAll(topic, 2)
  assert.deepEqual(
    consumed.map(m => ({ key: m.key, value: m.value, offset: m.offset })),
    records.map((r, i) => ({ ...r, offset: BigInt(i) }))
  )
  assert.ok(bootstrapServers().length > 0)
})

void test('runtime.ts restarts a broker on the same port and keeps its data', async t => {
  const dataDir = await mkdtemp(join(tmpdir(), 'kafka-runtime-test-'))
  t.after(() => rm(dataDir, { recursive: true, force: true }))
  const cluster = await startKafka({ dataDir, fresh: true })
  t.after(() => cluster.stop()) // idempotent: fine after the explicit stop below
  const port = cluster.nodes[0].port
  assert.equal(cluster.bootstrapServers, `127.0.0.1:${port}`)

  const topic = uniqueName('restart')
  const admin = () => new Admin({ clientId: 'test-runtime', bootstrapBrokers: [cluster.bootstrapServers] })
  const before = admin()
  await before.createTopics({ topics: [topic], partitions: 1 })
  await before.close()

  await cluster.restart()
  assert.equal(cluster.nodes[0].port, port)
  const after = admin()
  try {
    const metadata = await after.metadata({ topics: [topic] })
    assert.equal(metadata.id, cluster.clusterId)
    assert.equal(metadata.topics.get(topic)?.partitionsCount, 1)
  } finally {
    await after.close()
  }

  await cluster.stop()
  assert.equal(await canConnect(port), false)
  await cluster.stop()
})

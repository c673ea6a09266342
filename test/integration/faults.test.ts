// Kafka unavailable: the proxy starts anyway, metadata calls fail fast with a 5xx Confluent error, and the
// proxy recovers by itself when Kafka comes (back). Uses its own broker so the shared one is never stopped.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
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

// v3 cluster, broker, topic, partition and offset endpoints against the real broker. Every body is checked
// for exact values and validated against Confluent's OpenAPI file.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Admin } from '@platformatic/kafka'
import { startProxy } from '../../helpers/app.ts'
import { bootstrapServers, clusterId, createTopic, produceRaw, uniqueName } from '../../helpers/kafka.ts'
import { assertMatchesServedSpec, assertMatchesSpec } from '../../helpers/openapi.ts'

const HOST = 'proxy.test:8082'
const base = `http://${HOST}/v3`

async function get(app: Awaited<ReturnType<typeof startProxy>>, path: string, template: string) {
  const res = await app.inject({ url: `/v3${path}`, headers: { host: HOST } })
  assert.equal(res.headers['content-type'], 'application/json', path)
  const body = res.json()
  assertMatchesSpec('GET', template, res.statusCode, body)
  assertMatchesServedSpec('GET', template, res.statusCode, body)
  return { status: res.statusCode, body }
}

test('clusters: list and get', async t => {
  const app = await startProxy(t)
  const cid = clusterId()
  const cluster = {
    kind: 'KafkaCluster',
    metadata: { self: `${base}/clusters/${cid}`, resource_name: `crn:///kafka=${cid}` },
    cluster_id: cid,
    controller: { related: `${base}/clusters/${cid}/brokers/1` },
    acls: { related: `${base}/clusters/${cid}/acls` },
    brokers: { related: `${base}/clusters/${cid}/brokers` },
    broker_configs: { related: `${base}/clusters/${cid}/broker-configs` },
    consumer_groups: { related: `${base}/clusters/${cid}/consumer-groups` },
    topics: { related: `${base}/clusters/${cid}/topics` },
    partition_reassignments: { related: `${base}/clusters/${cid}/topics/-/partitions/-/reassignment` }
  }
  assert.deepEqual(await get(app, '/clusters', '/clusters'), {
    status: 200,
    body: { kind: 'KafkaClusterList', metadata: { self: `${base}/clusters`, next: null }, data: [cluster] }
  })
  assert.deepEqual(await get(app, `/clusters/${cid}`, '/clusters/{cluster_id}'), { status: 200, body: cluster })
  assert.deepEqual(await get(app, '/clusters/no-such-cluster', '/clusters/{cluster_id}'), {
    status: 404,
    body: { error_code: 404, message: 'Cluster no-such-cluster cannot be found.' }
  })
})

test('brokers: list and get', async t => {
  const app = await startProxy(t)
  const cid = clusterId()
  const port = Number(bootstrapServers().split(',')[0].split(':')[1])
  const broker = {
    kind: 'KafkaBroker',
    metadata: { self: `${base}/clusters/${cid}/brokers/1`, resource_name: `crn:///kafka=${cid}/broker=1` },
    cluster_id: cid,
    broker_id: 1,
    host: '127.0.0.1',
    port,
    rack: null,
    configs: { related: `${base}/clusters/${cid}/brokers/1/configs` },
    partition_replicas: { related: `${base}/clusters/${cid}/brokers/1/partition-replicas` }
  }
  assert.deepEqual(await get(app, `/clusters/${cid}/brokers`, '/clusters/{cluster_id}/brokers'), {
    status: 200,
    body: { kind: 'KafkaBrokerList', metadata: { self: `${base}/clusters/${cid}/brokers`, next: null }, data: [broker] }
  })
  assert.deepEqual(await get(app, `/clusters/${cid}/brokers/1`, '/clusters/{cluster_id}/brokers/{broker_id}'), {
    status: 200,
    body: broker
  })
  for (const id of ['7', 'x']) {
    assert.deepEqual(await get(app, `/clusters/${cid}/brokers/${id}`, '/clusters/{cluster_id}/brokers/{broker_id}'), {
      status: 404,
      body: { error_code: 404, message: 'HTTP 404 Not Found' }
    })
  }
  assert.equal((await get(app, '/clusters/nope/brokers', '/clusters/{cluster_id}/brokers')).status, 404)
})

test('topics: list and get', async t => {
  const topic = await createTopic(t, { partitions: 2, name: uniqueName('v3-topic') })
  const app = await startProxy(t)
  const cid = clusterId()
  const url = `${base}/clusters/${cid}/topics/${topic}`
  const expected = {
    kind: 'KafkaTopic',
    metadata: { self: url, resource_name: `crn:///kafka=${cid}/topic=${topic}` },
    cluster_id: cid,
    topic_name: topic,
    is_internal: false,
    replication_factor: 1,
    partitions_count: 2,
    partitions: { related: `${url}/partitions` },
    configs: { related: `${url}/configs` },
    partition_reassignments: { related: `${url}/partitions/-/reassignment` },
    authorized_operations: []
  }
  assert.deepEqual(await get(app, `/clusters/${cid}/topics/${topic}`, '/clusters/{cluster_id}/topics/{topic_name}'), {
    status: 200,
    body: expected
  })
  const list = await get(app, `/clusters/${cid}/topics`, '/clusters/{cluster_id}/topics')
  assert.equal(list.status, 200)
  assert.equal(list.body.kind, 'KafkaTopicList')
  assert.deepEqual(list.body.metadata, { self: `${base}/clusters/${cid}/topics`, next: null })
  assert.deepEqual(
    list.body.data.find((d: { topic_name: string }) => d.topic_name === topic),
    expected
  )
  const names = list.body.data.map((d: { topic_name: string }) => d.topic_name) as string[]
  assert.deepEqual(names, [...names].sort())
  assert.ok(names.every(n => !n.startsWith('__')))

  assert.deepEqual(
    await get(app, `/clusters/${cid}/topics/${uniqueName('missing')}`, '/clusters/{cluster_id}/topics/{topic_name}'),
    {
      status: 404,
      body: { error_code: 40403, message: 'This server does not host this topic-partition.' }
    }
  )
})

test('an internal topic is not listed but can be read, with is_internal true', async t => {
  // FindCoordinator for a group makes the broker create __consumer_offsets.
  const admin = new Admin({ clientId: 'test', bootstrapBrokers: bootstrapServers().split(',') })
  t.after(() => admin.close())
  for (let i = 0; i < 50; i++) {
    try {
      await admin.findCoordinator({ keyType: 0, keys: [uniqueName('group')] })
      break
    } catch {
      await new Promise(resolve => setTimeout(resolve, 200))
    }
  }
  const app = await startProxy(t)
  const cid = clusterId()
  const res = await get(app, `/clusters/${cid}/topics/__consumer_offsets`, '/clusters/{cluster_id}/topics/{topic_name}')
  assert.equal(res.status, 200)
  assert.equal(res.body.is_internal, true)
  const list = await get(app, `/clusters/${cid}/topics`, '/clusters/{cluster_id}/topics')
  assert.ok(!list.body.data.some((d: { topic_name: string }) => d.topic_name === '__consumer_offsets'))
})

test('partitions: list, get and offsets', async t => {
  const topic = await createTopic(t, { partitions: 2 })
  await produceRaw(topic, [
    { partition: 0, value: Buffer.from('a') },
    { partition: 0, value: Buffer.from('b') }
  ])
  const app = await startProxy(t)
  const cid = clusterId()
  const url = (p: number) => `${base}/clusters/${cid}/topics/${topic}/partitions/${p}`
  const partition = (p: number) => ({
    kind: 'KafkaPartition',
    metadata: { self: url(p), resource_name: `crn:///kafka=${cid}/topic=${topic}/partition=${p}` },
    cluster_id: cid,
    topic_name: topic,
    partition_id: p,
    leader: { related: `${url(p)}/replicas/1` },
    replicas: { related: `${url(p)}/replicas` },
    reassignment: { related: `${url(p)}/reassignment` }
  })
  const prefix = `/clusters/${cid}/topics/${topic}/partitions`
  assert.deepEqual(await get(app, prefix, '/clusters/{cluster_id}/topics/{topic_name}/partitions'), {
    status: 200,
    body: {
      kind: 'KafkaPartitionList',
      metadata: { self: `${base}${prefix}`, next: null },
      data: [partition(0), partition(1)]
    }
  })
  const one = '/clusters/{cluster_id}/topics/{topic_name}/partitions/{partition_id}'
  assert.deepEqual(await get(app, `${prefix}/1`, one), { status: 200, body: partition(1) })
  assert.deepEqual(await get(app, `${prefix}/2`, one), {
    status: 404,
    body: { error_code: 404, message: 'HTTP 404 Not Found' }
  })
  assert.deepEqual(await get(app, `${prefix}/zero`, one), {
    status: 404,
    body: { error_code: 404, message: 'HTTP 404 Not Found' }
  })

  const offsets = '/clusters/{cluster_id}/topics/{topic_name}/partitions/{partition_id}/offset'
  assert.deepEqual(await get(app, `${prefix}/0/offset`, offsets), {
    status: 200,
    body: {
      kind: 'KafkaPartitionWithOffsets',
      metadata: {
        self: `${url(0)}/offset`,
        resource_name: `crn:///kafka=${cid}/topic=${topic}/partition=0/offset_type=earliest_and_latest`
      },
      cluster_id: cid,
      topic_name: topic,
      partition_id: 0,
      earliest_offset: 0,
      latest_offset: 2
    }
  })
  assert.equal((await get(app, `${prefix}/0/offset?offset_type=earliest_and_latest`, offsets)).body.latest_offset, 2)
  assert.deepEqual(await get(app, `${prefix}/9/offset`, offsets), {
    status: 404,
    body: { error_code: 40402, message: 'Partition not found.' }
  })
  assert.equal((await get(app, `${prefix}/0/offset?offset_type=newest`, offsets)).status, 400)
  assert.deepEqual(await get(app, `/clusters/${cid}/topics/${uniqueName('missing')}/partitions/0/offset`, offsets), {
    status: 404,
    body: { error_code: 40403, message: 'This server does not host this topic-partition.' }
  })
})

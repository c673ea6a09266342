// v3 broker configs and dynamic cluster-wide broker defaults against the shared 1-node broker (broker id 1).
// Every change is read back from Kafka with describeConfigs; every body is validated against the OpenAPI file.
// The changes use configs nothing else depends on (max.connections set high, log.cleaner.backoff.ms) and are
// undone after each test.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startProxy } from '../../helpers/app.ts'
import { clusterId } from '../../helpers/kafka.ts'
import { describeConfigs, rawAdmin, resetBrokerConfigs, settles } from '../../helpers/kafka-admin.ts'
import { BASE, v3 } from '../../helpers/v3.ts'

const BROKER_CONFIGS = '/clusters/{cluster_id}/brokers/{broker_id}/configs'
const BROKER_CONFIG = '/clusters/{cluster_id}/brokers/{broker_id}/configs/{name}'
const CLUSTER_CONFIGS = '/clusters/{cluster_id}/broker-configs'
const CLUSTER_CONFIG = '/clusters/{cluster_id}/broker-configs/{name}'

const DYNAMIC_BROKER = 2
const DYNAMIC_DEFAULT = 3
const DEFAULT = 5
const emptyBody = { error_code: 42206, message: 'Payload error. Request body is empty. Data is required.' }

function brokerConfig(cid: string, name: string, rest: object) {
  return {
    kind: 'KafkaBrokerConfig',
    metadata: {
      self: `${BASE}/clusters/${cid}/brokers/1/configs/${name}`,
      resource_name: `crn:///kafka=${cid}/broker=1/config=${name}`
    },
    cluster_id: cid,
    broker_id: 1,
    name,
    ...rest
  }
}

test('broker configs: list, get, update, reset, alter; all brokers', async t => {
  t.after(() => resetBrokerConfigs(1, ['max.connections', 'log.cleaner.backoff.ms']))
  const app = await startProxy(t)
  const admin = rawAdmin(t)
  const cid = clusterId()
  const path = `/clusters/${cid}/brokers/1/configs`
  const maxConnections = async () => (await describeConfigs(admin, { broker: 1 })).get('max.connections')
  const defaults = brokerConfig(cid, 'max.connections', {
    value: '2147483647',
    is_default: true,
    is_read_only: false,
    is_sensitive: false,
    source: 'DEFAULT_CONFIG',
    synonyms: [{ name: 'max.connections', value: '2147483647', source: 'DEFAULT_CONFIG' }]
  })

  const list = await v3(app, 'GET', path, BROKER_CONFIGS)
  assert.deepEqual(
    [list.status, list.body.kind, list.body.metadata],
    [200, 'KafkaBrokerConfigList', { self: `${BASE}${path}`, next: null }]
  )
  const names = list.body.data.map((c: { name: string }) => c.name)
  assert.deepEqual(names, [...names].sort())
  assert.deepEqual(
    list.body.data.find((c: { name: string }) => c.name === 'max.connections'),
    defaults
  )
  // Static settings of the test broker show as such.
  assert.equal(list.body.data.find((c: { name: string }) => c.name === 'num.partitions').source, 'STATIC_BROKER_CONFIG')

  assert.equal((await v3(app, 'PUT', `${path}/max.connections`, BROKER_CONFIG, { value: '100000' })).status, 204)
  await settles(async () =>
    assert.deepEqual(await maxConnections(), {
      value: '100000',
      source: DYNAMIC_BROKER,
      synonyms: [
        { name: 'max.connections', value: '100000', source: DYNAMIC_BROKER },
        { name: 'max.connections', value: '2147483647', source: DEFAULT }
      ]
    })
  )
  assert.deepEqual(
    (await v3(app, 'GET', `${path}/max.connections`, BROKER_CONFIG)).body,
    brokerConfig(cid, 'max.connections', {
      value: '100000',
      is_default: false,
      is_read_only: false,
      is_sensitive: false,
      source: 'DYNAMIC_BROKER_CONFIG',
      synonyms: [
        { name: 'max.connections', value: '100000', source: 'DYNAMIC_BROKER_CONFIG' },
        { name: 'max.connections', value: '2147483647', source: 'DEFAULT_CONFIG' }
      ]
    })
  )
  assert.equal((await v3(app, 'DELETE', `${path}/max.connections`, BROKER_CONFIG)).status, 204)
  await settles(async () => assert.equal((await maxConnections())?.source, DEFAULT))
  assert.deepEqual((await v3(app, 'GET', `${path}/max.connections`, BROKER_CONFIG)).body, defaults)

  const alter = await v3(app, 'POST', `${path}:alter`, '/clusters/{cluster_id}/brokers/{broker_id}/configs:alter', {
    data: [
      { name: 'max.connections', value: '100001' },
      { name: 'log.cleaner.backoff.ms', value: '16000' }
    ]
  })
  assert.equal(alter.status, 204)
  await settles(async () => {
    const after = await describeConfigs(admin, { broker: 1 })
    assert.deepEqual(
      ['max.connections', 'log.cleaner.backoff.ms'].map(n => [after.get(n)?.value, after.get(n)?.source]),
      [
        ['100001', DYNAMIC_BROKER],
        ['16000', DYNAMIC_BROKER]
      ]
    )
  })
  const dryRun = await v3(app, 'POST', `${path}:alter`, null, {
    data: [{ name: 'max.connections', operation: 'DELETE' }],
    validate_only: true
  })
  assert.equal(dryRun.status, 204)
  assert.equal((await maxConnections())?.value, '100001')

  const all = await v3(app, 'GET', `/clusters/${cid}/brokers/-/configs`, '/clusters/{cluster_id}/brokers/-/configs')
  assert.deepEqual(all.body.metadata, { self: `${BASE}/clusters/${cid}/brokers/-/configs`, next: null })
  assert.deepEqual(
    all.body.data.map((c: { name: string }) => c.name),
    names
  )
  assert.equal(all.body.data.find((c: { name: string }) => c.name === 'max.connections').value, '100001')
})

test('broker configs: unknown broker, unknown or read-only config, invalid value', async t => {
  const app = await startProxy(t)
  const cid = clusterId()
  const path = `/clusters/${cid}/brokers/1/configs`

  const unknownBroker = await v3(app, 'GET', `/clusters/${cid}/brokers/7/configs`, BROKER_CONFIGS)
  assert.deepEqual(
    [unknownBroker.status, unknownBroker.body],
    [404, { error_code: 404, message: 'Broker 7 cannot be found.' }]
  )
  assert.deepEqual((await v3(app, 'PUT', `/clusters/${cid}/brokers/x/configs/a`, BROKER_CONFIG, { value: '1' })).body, {
    error_code: 404,
    message: 'HTTP 404 Not Found'
  })
  assert.equal((await v3(app, 'GET', `/clusters/nope/brokers/1/configs`, BROKER_CONFIGS)).status, 404)
  assert.deepEqual((await v3(app, 'GET', `${path}/no.such.config`, BROKER_CONFIG)).body, {
    error_code: 404,
    message: 'HTTP 404 Not Found'
  })
  assert.deepEqual((await v3(app, 'PUT', `${path}/no.such.config`, BROKER_CONFIG, { value: '1' })).body, {
    error_code: 404,
    message: `Config no.such.config cannot be found for BROKER 1 in cluster ${cid}.`
  })
  const readOnly = await v3(app, 'PUT', `${path}/log.dirs`, BROKER_CONFIG, { value: '/tmp/elsewhere' })
  assert.deepEqual(
    [readOnly.status, readOnly.body],
    [400, { error_code: 40002, message: 'Cannot update these configs dynamically: [log.dirs]' }]
  )
  const invalid = await v3(app, 'PUT', `${path}/max.connections`, BROKER_CONFIG, { value: 'many' })
  assert.deepEqual(
    [invalid.status, invalid.body],
    [
      400,
      { error_code: 40002, message: 'Invalid value many for configuration max.connections: Not a number of type INT' }
    ]
  )
  assert.deepEqual((await v3(app, 'POST', `${path}:alter`, null, '')).body, emptyBody)
})

function clusterConfig(cid: string, name: string, value: string) {
  return {
    kind: 'KafkaClusterConfig',
    metadata: {
      self: `${BASE}/clusters/${cid}/broker-configs/${name}`,
      resource_name: `crn:///kafka=${cid}/broker-config=${name}`
    },
    cluster_id: cid,
    config_type: 'BROKER',
    name,
    value,
    is_default: false,
    is_read_only: false,
    is_sensitive: false,
    source: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
    synonyms: [{ name, value, source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' }]
  }
}

test('cluster-wide broker configs: only dynamic defaults listed; update, get, delete, alter', async t => {
  // Registered first so that it runs while the proxy is still open.
  t.after(() => v3(app, 'DELETE', `/clusters/${clusterId()}/broker-configs/log.cleaner.backoff.ms`, CLUSTER_CONFIG))
  const app = await startProxy(t)
  const admin = rawAdmin(t)
  const cid = clusterId()
  const path = `/clusters/${cid}/broker-configs`
  const names = async () => {
    const { data } = (await v3(app, 'GET', path, CLUSTER_CONFIGS)).body as { data: { name: string }[] }
    return data.map(c => c.name)
  }
  // The cluster-wide default shows in every broker's effective config as a synonym of source 3.
  const effective = async (name: string) =>
    (await describeConfigs(admin, { broker: 1 })).get(name)?.synonyms.find(s => s.source === DYNAMIC_DEFAULT)?.value

  const before = await v3(app, 'GET', path, CLUSTER_CONFIGS)
  assert.deepEqual(
    [before.status, before.body.kind, before.body.metadata],
    [200, 'KafkaClusterConfigList', { self: `${BASE}${path}`, next: null }]
  )
  assert.ok(before.body.data.every((c: { source: string }) => c.source === 'DYNAMIC_DEFAULT_BROKER_CONFIG'))
  assert.ok(!(await names()).includes('log.cleaner.backoff.ms'))
  assert.deepEqual((await v3(app, 'GET', `${path}/log.cleaner.backoff.ms`, CLUSTER_CONFIG)).body, {
    error_code: 404,
    message: 'HTTP 404 Not Found'
  })

  assert.equal((await v3(app, 'PUT', `${path}/log.cleaner.backoff.ms`, CLUSTER_CONFIG, { value: '17000' })).status, 204)
  await settles(async () => assert.equal(await effective('log.cleaner.backoff.ms'), '17000'))
  assert.deepEqual(
    (await v3(app, 'GET', `${path}/log.cleaner.backoff.ms`, CLUSTER_CONFIG)).body,
    clusterConfig(cid, 'log.cleaner.backoff.ms', '17000')
  )
  const listed = (await v3(app, 'GET', path, CLUSTER_CONFIGS)).body.data
  assert.deepEqual(
    listed.find((c: { name: string }) => c.name === 'log.cleaner.backoff.ms'),
    clusterConfig(cid, 'log.cleaner.backoff.ms', '17000')
  )
  assert.deepEqual(
    listed.map((c: { name: string }) => c.name),
    [...listed.map((c: { name: string }) => c.name)].sort()
  )

  assert.equal((await v3(app, 'DELETE', `${path}/log.cleaner.backoff.ms`, CLUSTER_CONFIG)).status, 204)
  await settles(async () => assert.equal(await effective('log.cleaner.backoff.ms'), undefined))
  assert.ok(!(await names()).includes('log.cleaner.backoff.ms'))
  // Deleting what is not set is fine, as in Kafka.
  assert.equal((await v3(app, 'DELETE', `${path}/log.cleaner.backoff.ms`, CLUSTER_CONFIG)).status, 204)

  const dryRun = await v3(app, 'POST', `${path}:alter`, '/clusters/{cluster_id}/broker-configs:alter', {
    data: [{ name: 'log.cleaner.backoff.ms', value: '18000' }],
    validate_only: true
  })
  assert.equal(dryRun.status, 204)
  assert.equal(await effective('log.cleaner.backoff.ms'), undefined)
  const alter = await v3(app, 'POST', `${path}:alter`, '/clusters/{cluster_id}/broker-configs:alter', {
    data: [{ name: 'log.cleaner.backoff.ms', value: '18000' }]
  })
  assert.equal(alter.status, 204)
  await settles(async () => assert.equal(await effective('log.cleaner.backoff.ms'), '18000'))

  const readOnly = await v3(app, 'PUT', `${path}/log.dirs`, CLUSTER_CONFIG, { value: '/tmp/elsewhere' })
  assert.deepEqual(
    [readOnly.status, readOnly.body],
    [400, { error_code: 40002, message: 'Cannot update these configs dynamically: [log.dirs]' }]
  )
  assert.deepEqual((await v3(app, 'PUT', `${path}/log.cleaner.backoff.ms`, CLUSTER_CONFIG, '')).body, emptyBody)
  assert.equal((await v3(app, 'GET', '/clusters/nope/broker-configs', CLUSTER_CONFIGS)).status, 404)
})

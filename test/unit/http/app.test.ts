// The HTTP layer against fake services: negotiation, error rendering, routing fallbacks, views, URLs.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { buildApp } from '../../../src/app.ts'
import { loadConfig } from '../../../src/config/load.ts'
import { errors } from '../../../src/errors/codes.ts'
import { RestError } from '../../../src/errors/rest-error.ts'
import { type Cluster, type Topic } from '../../../src/model/cluster.ts'
import { type Services } from '../../../src/services/index.ts'
import { type MetadataService } from '../../../src/services/metadata.ts'
import { type ProduceService } from '../../../src/services/produce.ts'

const cluster: Cluster = {
  id: 'cid',
  controllerId: 2,
  brokers: [
    { id: 1, host: 'b1', port: 9092, rack: null },
    { id: 2, host: 'b2', port: 9092, rack: 'r2' }
  ]
}
const topic: Topic = {
  name: 't1',
  isInternal: false,
  partitions: [
    {
      topic: 't1',
      id: 0,
      leader: 1,
      replicas: [
        { brokerId: 1, isLeader: true, inSync: true },
        { brokerId: 2, isLeader: false, inSync: false }
      ]
    },
    { topic: 't1', id: 1, leader: null, replicas: [{ brokerId: 2, isLeader: false, inSync: false }] }
  ]
}

const fake: MetadataService = {
  cluster: () => Promise.resolve(cluster),
  requireCluster: id =>
    id === 'cid'
      ? Promise.resolve(cluster)
      : Promise.reject(new RestError(errors.notFound, `Cluster ${id} cannot be found.`)),
  broker: (_id, brokerId) => {
    const broker = cluster.brokers.find(b => b.id === brokerId)
    return broker ? Promise.resolve({ cluster, broker }) : Promise.reject(new RestError(errors.notFound))
  },
  listTopics: () => Promise.resolve([topic]),
  topic: name =>
    name === 't1' ? Promise.resolve(topic) : Promise.reject(new RestError(errors.unknownTopicOrPartition)),
  topicConfigs: () =>
    Promise.resolve([
      {
        name: 'cleanup.policy',
        value: 'delete',
        isDefault: true,
        isReadOnly: false,
        isSensitive: false,
        source: 'DEFAULT_CONFIG',
        synonyms: []
      }
    ]),
  partition: (_t, p) => Promise.resolve(topic.partitions.find(x => x.id === p) ?? null),
  partitionOffsets: (_t, p) =>
    p === 0 ? Promise.resolve({ earliest: 3n, latest: 42n }) : Promise.reject(new RestError(errors.partitionNotFound))
}

const unusedProduce: ProduceService = {
  warm: () => {},
  partitions: () => Promise.reject(new Error('not used')),
  produce: () => Promise.reject(new Error('not used')),
  produceOne: () => {
    throw new Error('not used')
  }
}

// The admin services, which these tests never reach: every method rejects.
const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('not used')) })
const unusedAdmin = {
  consumers: unused,
  topicAdmin: unused,
  configs: unused,
  replicas: unused,
  consumerGroups: unused,
  groupAdmin: unused,
  acls: unused
} as Omit<Services, 'metadata' | 'produce'>

async function app(t: TestContext, overrides: Record<string, string> = {}) {
  const { config } = loadConfig({ overrides: { 'bootstrap.servers': 'unused:9092', ...overrides } })
  const instance = await buildApp(config, {
    services: { metadata: fake, produce: unusedProduce, ...unusedAdmin },
    logger: false
  })
  t.after(() => instance.close())
  return instance
}

test('v2 metadata views and exact content type', async t => {
  const a = await app(t)
  const topicRes = await a.inject('/topics/t1')
  assert.equal(topicRes.statusCode, 200)
  assert.equal(topicRes.headers['content-type'], 'application/vnd.kafka.v2+json')
  assert.deepEqual(topicRes.json(), {
    name: 't1',
    configs: { 'cleanup.policy': 'delete' },
    partitions: [
      {
        partition: 0,
        leader: 1,
        replicas: [
          { broker: 1, leader: true, in_sync: true },
          { broker: 2, leader: false, in_sync: false }
        ]
      },
      { partition: 1, leader: -1, replicas: [{ broker: 2, leader: false, in_sync: false }] }
    ]
  })
  assert.deepEqual((await a.inject('/brokers')).json(), { brokers: [1, 2] })
  assert.deepEqual((await a.inject('/topics')).json(), ['t1'])
  assert.deepEqual((await a.inject('/topics/t1/partitions/0/offsets')).json(), { beginning_offset: 3, end_offset: 42 })
  assert.equal((await a.inject('/')).body, '{}')
})

test('error bodies and codes', async t => {
  const a = await app(t)
  const cases: [string, number, unknown, string][] = [
    [
      '/topics/nope',
      404,
      { error_code: 40403, message: 'This server does not host this topic-partition.' },
      'application/vnd.kafka.v2+json'
    ],
    [
      '/topics/t1/partitions/7',
      404,
      { error_code: 40402, message: 'Partition not found.' },
      'application/vnd.kafka.v2+json'
    ],
    [
      '/topics/t1/partitions/abc',
      404,
      { error_code: 404, message: 'HTTP 404 Not Found' },
      'application/vnd.kafka.v2+json'
    ],
    [
      '/topics/t1/partitions/99999999999',
      404,
      { error_code: 404, message: 'HTTP 404 Not Found' },
      'application/vnd.kafka.v2+json'
    ],
    ['/nowhere', 404, { error_code: 404, message: 'HTTP 404 Not Found' }, 'application/json'],
    ['/v3/clusters/other', 404, { error_code: 404, message: 'Cluster other cannot be found.' }, 'application/json'],
    ['/v3/clusters/cid/brokers/x', 404, { error_code: 404, message: 'HTTP 404 Not Found' }, 'application/json'],
    ['/v3/clusters/cid/brokers/9', 404, { error_code: 404, message: 'HTTP 404 Not Found' }, 'application/json'],
    [
      '/v3/clusters/cid/topics/t1/partitions/5',
      404,
      { error_code: 404, message: 'HTTP 404 Not Found' },
      'application/json'
    ],
    [
      '/v3/clusters/cid/topics/t1/partitions/1/offset',
      404,
      { error_code: 40402, message: 'Partition not found.' },
      'application/json'
    ],
    [
      '/v3/clusters/cid/topics/t1/partitions/0/offset?offset_type=latest',
      400,
      { error_code: 400, message: 'Bad Request: offset_type latest is not supported; use earliest_and_latest.' },
      'application/json'
    ]
  ]
  for (const [url, status, body, type] of cases) {
    const res = await a.inject(url)
    assert.equal(res.statusCode, status, url)
    assert.deepEqual(res.json(), body, url)
    assert.equal(res.headers['content-type'], type, url)
  }
})

test('406 without a body, 415 with one, 405 for a known path', async t => {
  const a = await app(t)
  const notAcceptable = await a.inject({ url: '/topics', headers: { accept: 'text/plain' } })
  assert.equal(notAcceptable.statusCode, 406)
  assert.equal(notAcceptable.body, '')
  const v3NotAcceptable = await a.inject({ url: '/v3/clusters', headers: { accept: 'application/vnd.kafka.v2+json' } })
  assert.equal(v3NotAcceptable.statusCode, 406)

  const unsupported = await a.inject({
    method: 'POST',
    url: '/',
    headers: { 'content-type': 'text/plain' },
    payload: 'x'
  })
  assert.equal(unsupported.statusCode, 415)
  assert.deepEqual(unsupported.json(), { error_code: 415, message: 'HTTP 415 Unsupported Media Type' })
  assert.equal(unsupported.headers['content-type'], 'application/vnd.kafka.v2+json')

  const wrongMethod = await a.inject({ method: 'DELETE', url: '/v3/clusters/cid' })
  assert.equal(wrongMethod.statusCode, 405)
  assert.deepEqual(wrongMethod.json(), { error_code: 405, message: 'HTTP 405 Method Not Allowed' })
  assert.equal(wrongMethod.headers.allow, 'GET, HEAD')

  const badJson = await a.inject({
    method: 'POST',
    url: '/',
    headers: { 'content-type': 'application/vnd.kafka.v2+json' },
    payload: '{x'
  })
  assert.equal(badJson.statusCode, 400)
  assert.equal(badJson.json().error_code, 400)
})

test('v3 envelopes use the advertised listener for absolute URLs and the CRN authority', async t => {
  const a = await app(t, {
    'advertised.listeners': 'http://proxy.example:9000',
    'confluent.resource.name.authority': 'auth'
  })
  const res = await a.inject('/v3/clusters/cid/topics/t1/partitions/1')
  assert.deepEqual(res.json(), {
    kind: 'KafkaPartition',
    metadata: {
      self: 'http://proxy.example:9000/v3/clusters/cid/topics/t1/partitions/1',
      resource_name: 'crn://auth/kafka=cid/topic=t1/partition=1'
    },
    cluster_id: 'cid',
    topic_name: 't1',
    partition_id: 1,
    leader: null,
    replicas: { related: 'http://proxy.example:9000/v3/clusters/cid/topics/t1/partitions/1/replicas' },
    reassignment: { related: 'http://proxy.example:9000/v3/clusters/cid/topics/t1/partitions/1/reassignment' }
  })
})

test('without advertised listeners, host.name or the Host header make the base URL', async t => {
  const plain = await app(t)
  const byHost = await plain.inject({ url: '/v3/clusters', headers: { host: 'lb.internal:8443' } })
  assert.equal(byHost.json().metadata.self, 'http://lb.internal:8443/v3/clusters')

  const named = await app(t, { 'host.name': 'proxy1', listeners: 'http://0.0.0.0:8090' })
  const withPort = await named.inject({ url: '/v3/clusters', headers: { host: 'x:1234' } })
  assert.equal(withPort.json().metadata.self, 'http://proxy1:8090/v3/clusters')
  const withoutPort = await named.inject({ url: '/v3/clusters', headers: { host: 'x' } })
  assert.equal(withoutPort.json().metadata.self, 'http://proxy1/v3/clusters')
})

test('api.v2.enable=false and api.v3.enable=false remove the APIs (404)', async t => {
  const noV2 = await app(t, { 'api.v2.enable': 'false' })
  assert.equal((await noV2.inject('/')).statusCode, 404)
  assert.equal((await noV2.inject('/topics')).statusCode, 404)
  assert.equal((await noV2.inject('/v3/clusters')).statusCode, 200)
  const noV3 = await app(t, { 'api.v3.enable': 'false' })
  assert.equal((await noV3.inject('/v3/clusters')).statusCode, 404)
  assert.equal((await noV3.inject('/topics')).statusCode, 200)
})

test('an unexpected failure is a 500 in Confluent form; debug appends the cause', async t => {
  const { config } = loadConfig({ overrides: { 'bootstrap.servers': 'x:1' } })
  const broken = await buildApp(config, {
    services: {
      metadata: { ...fake, listTopics: () => Promise.reject(new Error('boom')) },
      produce: unusedProduce,
      ...unusedAdmin
    },
    logger: false
  })
  t.after(() => broken.close())
  const res = await broken.inject('/topics')
  assert.equal(res.statusCode, 500)
  assert.deepEqual(res.json(), { error_code: 500, message: 'Internal Server Error' })
})

test('each request is logged once, after its response', async t => {
  const lines: Record<string, unknown>[] = []
  const stream = { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }
  const { config } = loadConfig({ overrides: { 'bootstrap.servers': 'unused:9092' } })
  const instance = await buildApp(config, {
    services: { metadata: fake, produce: unusedProduce, ...unusedAdmin },
    logger: { level: 'info', stream }
  })
  t.after(() => instance.close())
  const res = await instance.inject({ method: 'GET', url: '/topics' })
  assert.equal(res.statusCode, 200)
  const requests = lines.filter(l => l.msg === 'request')
  assert.equal(requests.length, 1, JSON.stringify(lines))
  assert.deepEqual([requests[0].method, requests[0].url, requests[0].status], ['GET', '/topics', 200])
})

// v3 ACLs against a broker of this file's own with SASL/PLAIN and the StandardAuthorizer (kafka-runtime.md
// §1.9, variant A): the proxy talks SASL as the super user "admin"; a second proxy as "alice", who is no super
// user, shows Kafka's refusals as 403/40301. Every ACL change is read back with a plain Admin.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, before, test } from 'node:test'
import { Admin, AclOperations, AclPermissionTypes, ResourcePatternTypes, ResourceTypes } from '@platformatic/kafka'
import { type KafkaCluster, pickFreePorts, startKafka } from '../../../tools/kafka/runtime.ts'
import { startProxy } from '../../helpers/app.ts'
import { clusterId } from '../../helpers/kafka.ts'
import { assertMatchesServedSpec, assertMatchesSpec } from '../../helpers/openapi.ts'

const HOST = 'proxy.test:8082'
const base = `http://${HOST}/v3`
const TEMPLATE = '/clusters/{cluster_id}/acls'
const jaas = (user: string) =>
  `org.apache.kafka.common.security.plain.PlainLoginModule required username="${user}" password="${user}-secret";`

const anyAcl = {
  resourceType: ResourceTypes.ANY,
  resourceName: null,
  resourcePatternType: ResourcePatternTypes.ANY,
  principal: null,
  host: null,
  operation: AclOperations.ANY,
  permissionType: AclPermissionTypes.ANY
}

let cluster: KafkaCluster
let saslPort: number
let dir: string

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kafka-rest-acls-'))
  const [client, controller, sasl] = await pickFreePorts(3)
  saslPort = sasl
  cluster = await startKafka({
    dataDir: dir,
    fresh: true,
    ports: [{ client, controller }],
    overrides: {
      listeners: `PLAINTEXT://127.0.0.1:${client},CONTROLLER://127.0.0.1:${controller},SASL_PLAINTEXT://127.0.0.1:${sasl}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${client},SASL_PLAINTEXT://127.0.0.1:${sasl}`,
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
      'sasl.enabled.mechanisms': 'PLAIN',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config':
        'org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="admin-secret" user_alice="alice-secret";',
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:admin;User:ANONYMOUS',
      'allow.everyone.if.no.acl.found': 'false'
    }
  })
})

// Each test starts from a cluster without ACLs.
afterEach(async () => {
  const admin = new Admin({ clientId: 'test-acls', bootstrapBrokers: [cluster.bootstrapServers] })
  try {
    await admin.deleteAcls({ filters: [anyAcl] })
  } finally {
    await admin.close()
  }
})

after(async () => {
  await cluster?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

const proxyAs = (t: Parameters<typeof startProxy>[0], user: string) =>
  startProxy(t, {
    'bootstrap.servers': `127.0.0.1:${saslPort}`,
    'client.security.protocol': 'SASL_PLAINTEXT',
    'client.sasl.mechanism': 'PLAIN',
    'client.sasl.jaas.config': jaas(user)
  })

type App = Awaited<ReturnType<typeof startProxy>>

async function call(app: App, method: 'GET' | 'POST' | 'DELETE', path: string, payload?: unknown) {
  const res = await app.inject({
    method,
    url: `/v3${path}`,
    headers: { host: HOST, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) })
  })
  const body = res.body === '' ? undefined : res.json()
  const template = path.split('?')[0].endsWith(':batch') ? `${TEMPLATE}:batch` : TEMPLATE
  if (body !== undefined) assertMatchesSpec(method, template, res.statusCode, body)
  assertMatchesServedSpec(method, template, res.statusCode, body)
  return { status: res.statusCode, body, headers: res.headers }
}

// Every ACL in the cluster, from Kafka itself, as "TYPE:name:PATTERN:principal:host:OPERATION:PERMISSION".
async function kafkaAcls(): Promise<string[]> {
  const admin = new Admin({ clientId: 'test-acls', bootstrapBrokers: [cluster.bootstrapServers] })
  const name = (table: Record<string, number>, value: number) => Object.keys(table).find(k => table[k] === value)
  try {
    const resources = await admin.describeAcls({
      filter: anyAcl
    })
    return resources
      .flatMap(r =>
        r.acls.map(a =>
          [
            name(ResourceTypes, r.resourceType),
            r.resourceName,
            name(ResourcePatternTypes, r.resourcePatternType),
            a.principal,
            a.host,
            name(AclOperations, a.operation),
            name(AclPermissionTypes, a.permissionType)
          ].join(':')
        )
      )
      .sort()
  } finally {
    await admin.close()
  }
}

const acl = (
  resource_type: string,
  resource_name: string,
  pattern_type: string,
  principal: string,
  host: string,
  operation: string,
  permission: string
) => ({ resource_type, resource_name, pattern_type, principal, host, operation, permission })

function view(cid: string, a: ReturnType<typeof acl>) {
  const query = [
    `resource_type=${a.resource_type}`,
    `resource_name=${encodeURIComponent(a.resource_name)}`,
    `pattern_type=${a.pattern_type}`,
    `principal=${a.principal.replace(':', '%3A')}`,
    `host=${a.host}`,
    `operation=${a.operation}`,
    `permission=${a.permission}`
  ].join('&')
  return { kind: 'KafkaAcl', metadata: { self: `${base}/clusters/${cid}/acls?${query}` }, cluster_id: cid, ...a }
}

const bad = (message: string) => ({ status: 400, body: { error_code: 400, message: `Bad Request: ${message}` } })

test('create, search and delete ACLs; Kafka holds exactly what the API says', async t => {
  const app = await proxyAs(t, 'admin')
  const cid = cluster.clusterId
  const path = `/clusters/${cid}/acls`

  const read = acl('TOPIC', 'orders', 'LITERAL', 'User:alice', '*', 'READ', 'ALLOW')
  const created = await call(app, 'POST', path, read)
  assert.equal(created.status, 201)
  assert.equal(created.body, undefined)
  assert.equal(created.headers['content-type'], undefined)
  assert.equal(created.headers.location, view(cid, read).metadata.self)

  // Batch: in scrambled order, to see the sort by all seven fields (enums in Confluent's declaration order).
  const batch = [
    acl('GROUP', 'app-', 'PREFIXED', 'User:alice', '*', 'ALL', 'ALLOW'),
    acl('TOPIC', 'orders', 'LITERAL', 'User:alice', '*', 'WRITE', 'DENY'),
    acl('CLUSTER', 'kafka-cluster', 'LITERAL', 'User:bob', '10.0.0.1', 'DESCRIBE', 'ALLOW'),
    acl('TOPIC', 'orders', 'PREFIXED', 'User:bob', '*', 'READ', 'ALLOW'),
    acl('TOPIC', 'orders', 'LITERAL', 'User:alice', '*', 'READ', 'DENY')
  ]
  const batched = await call(app, 'POST', `${path}:batch`, { data: batch })
  assert.deepEqual([batched.status, batched.body, batched.headers['content-type']], [204, undefined, undefined])
  assert.equal((await call(app, 'POST', `${path}:batch`, { data: [] })).status, 204)

  const all = [read, ...batch]
  assert.deepEqual(await kafkaAcls(), all.map(a => Object.values(a).join(':')).sort())
  const sorted = [batch[4], read, batch[1], batch[3], batch[0], batch[2]]
  assert.deepEqual(
    sorted.map(a => a.resource_type),
    ['TOPIC', 'TOPIC', 'TOPIC', 'TOPIC', 'GROUP', 'CLUSTER']
  )

  const search = await call(app, 'GET', path)
  const everything = `${base}${path}?resource_type=ANY&resource_name=&pattern_type=ANY&principal=&host=&operation=ANY&permission=ANY`
  assert.deepEqual(search, {
    status: 200,
    headers: search.headers,
    body: { kind: 'KafkaAclList', metadata: { self: everything, next: null }, data: sorted.map(a => view(cid, a)) }
  })

  // Filters: case-insensitive enums; MATCH finds the literal and the prefixed ACL for topic "orders".
  const matched = await call(
    app,
    'GET',
    `${path}?resource_type=topic&resource_name=orders&pattern_type=match&principal=User:bob`
  )
  assert.equal(matched.status, 200)
  assert.equal(
    matched.body.metadata.self,
    `${base}${path}?resource_type=TOPIC&resource_name=orders&pattern_type=MATCH&principal=User%3Abob&host=&operation=ANY&permission=ANY`
  )
  assert.deepEqual(matched.body.data, [view(cid, batch[3])])
  const denied = await call(app, 'GET', `${path}?permission=DENY`)
  assert.deepEqual(denied.body.data, [view(cid, batch[4]), view(cid, batch[1])])

  // Delete by filter: the four enums are mandatory; the answer lists what was deleted, sorted.
  const gone = await call(
    app,
    'DELETE',
    `${path}?resource_type=TOPIC&pattern_type=ANY&operation=ANY&permission=ANY&principal=User:alice`
  )
  assert.deepEqual(gone, {
    status: 200,
    headers: gone.headers,
    body: { data: [view(cid, batch[4]), view(cid, read), view(cid, batch[1])] }
  })
  assert.deepEqual(await kafkaAcls(), [batch[0], batch[2], batch[3]].map(a => Object.values(a).join(':')).sort())
  const none = await call(
    app,
    'DELETE',
    `${path}?resource_type=TOPIC&pattern_type=LITERAL&operation=READ&permission=ALLOW`
  )
  assert.deepEqual(none.body, { data: [] })
})

test('ACL parameter and body errors', async t => {
  const app = await proxyAs(t, 'admin')
  const cid = cluster.clusterId
  const path = `/clusters/${cid}/acls`
  const ok = acl('TOPIC', 't', 'LITERAL', 'User:alice', '*', 'READ', 'ALLOW')

  const post = async (payload: unknown, p = path) => {
    const { status, body } = await call(app, 'POST', p, payload)
    return { status, body }
  }
  for (const [field, value, message] of [
    ['resource_type', 'ANY', 'resource_type cannot be ANY'],
    ['resource_type', 'UNKNOWN', 'resource_type cannot be UNKNOWN'],
    ['pattern_type', 'ANY', 'pattern_type cannot be ANY'],
    ['pattern_type', 'MATCH', 'pattern_type cannot be MATCH'],
    ['pattern_type', 'UNKNOWN', 'pattern_type cannot be UNKNOWN'],
    ['operation', 'ANY', 'operation cannot be ANY'],
    ['permission', 'any', 'permission cannot be ANY']
  ]) {
    assert.deepEqual(await post({ ...ok, [field]: value }), bad(message), `${field}=${value}`)
  }
  assert.deepEqual(await post({ ...ok, resource_type: 'teapot' }), {
    status: 400,
    body: {
      error_code: 400,
      message:
        'Bad Request: resource_type "teapot" is not one of UNKNOWN, ANY, TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID, DELEGATION_TOKEN'
    }
  })
  assert.deepEqual(await post({ ...ok, host: undefined }), bad('host is required'))
  assert.deepEqual(await post({ ...ok, extra: 1 }), {
    status: 422,
    body: { error_code: 422, message: 'Unrecognized field: extra' }
  })
  const nullInput = {
    status: 422,
    body: { error_code: 42206, message: 'Payload error. Null input provided. Data is required.' }
  }
  assert.deepEqual(await post(''), nullInput)
  assert.deepEqual(await post('', `${path}:batch`), nullInput)
  assert.deepEqual(await post({}, `${path}:batch`), {
    status: 422,
    body: { error_code: 42206, message: 'Payload error. Empty input provided. Data is required.' }
  })
  assert.deepEqual(
    await post({ data: [{ ...ok, principal: undefined }] }, `${path}:batch`),
    bad('data[0].principal is required')
  )
  // Kafka's own refusal of a principal without a type.
  const noType = await post({ ...ok, principal: 'alice' })
  assert.equal(noType.status, 400)
  assert.equal(noType.body.error_code, 40002)
  assert.match(noType.body.message, /Could not parse principal from `alice`/)
  assert.deepEqual(await kafkaAcls(), [])

  // Query enums: a value that does not parse is a 404 (JAX-RS), UNKNOWN a 400.
  const get = async (query: string, method: 'GET' | 'DELETE' = 'GET') => {
    const { status, body } = await call(app, method, `${path}?${query}`)
    return { status, body }
  }
  assert.deepEqual(await get('resource_type=teapot'), {
    status: 404,
    body: { error_code: 404, message: 'HTTP 404 Not Found' }
  })
  assert.deepEqual(await get('operation=unknown'), bad('operation cannot be UNKNOWN'))
  assert.deepEqual(await get('', 'DELETE'), bad('resource_type cannot be unspecified or UNKNOWN'))
  assert.deepEqual(await get('resource_type=TOPIC', 'DELETE'), bad('pattern_type cannot be unspecified or UNKNOWN'))
  assert.deepEqual(
    await get('resource_type=TOPIC&pattern_type=ANY&permission=ANY', 'DELETE'),
    bad('operation cannot be unspecified or UNKNOWN')
  )
  assert.deepEqual(
    await get('resource_type=TOPIC&pattern_type=ANY&operation=ANY', 'DELETE'),
    bad('permission cannot be unspecified or UNKNOWN')
  )
  assert.deepEqual(await get('resource_type=TOPIC&pattern_type=ANY&operation=ANY&permission=maybe', 'DELETE'), {
    status: 404,
    body: { error_code: 404, message: 'HTTP 404 Not Found' }
  })

  const wrong = { status: 404, body: { error_code: 404, message: 'Cluster nope cannot be found.' } }
  assert.deepEqual(await call(app, 'GET', '/clusters/nope/acls').then(r => ({ status: r.status, body: r.body })), wrong)
  assert.deepEqual(await post(ok, '/clusters/nope/acls'), wrong)
  assert.deepEqual(await post({ data: [ok] }, '/clusters/nope/acls:batch'), wrong)
  assert.deepEqual(await kafkaAcls(), [])
})

test('Kafka refusing the proxy principal is 403/40301', async t => {
  const alice = await proxyAs(t, 'alice')
  const cid = cluster.clusterId
  for (const [method, path, payload] of [
    ['GET', `/clusters/${cid}/acls`, undefined],
    ['DELETE', `/clusters/${cid}/acls?resource_type=ANY&pattern_type=ANY&operation=ANY&permission=ANY`, undefined],
    ['POST', `/clusters/${cid}/acls`, acl('TOPIC', 't', 'LITERAL', 'User:alice', '*', 'ALL', 'ALLOW')]
  ] as const) {
    const { status, body } = await call(alice, method, path, payload)
    assert.equal(status, 403, `${method} ${path}`)
    assert.equal(body.error_code, 40301)
    assert.match(body.message, /Cluster authorization failed|CLUSTER|permission/i)
  }
  assert.deepEqual(await kafkaAcls(), [])
})

test('consumer groups as a principal with few rights: filtered list, 404 to read, 403 to change', async t => {
  const admin = new Admin({ clientId: 'test-acls', bootstrapBrokers: [cluster.bootstrapServers] })
  try {
    await admin.createTopics({ topics: ['group-topic'], partitions: 1 })
    for (const groupId of ['alice-g', 'other-g']) {
      await admin.alterConsumerGroupOffsets({
        groupId,
        topics: [{ name: 'group-topic', partitionOffsets: [{ partition: 0, offset: 0n }] }]
      })
    }
    await admin.createAcls({
      creations: [
        {
          resourceType: ResourceTypes.GROUP,
          resourceName: 'alice-',
          resourcePatternType: ResourcePatternTypes.PREFIXED,
          principal: 'User:alice',
          host: '*',
          operation: AclOperations.DESCRIBE,
          permissionType: AclPermissionTypes.ALLOW
        }
      ]
    })
  } finally {
    await admin.close()
  }
  const alice = await proxyAs(t, 'alice')
  const cid = cluster.clusterId
  const get = async (path: string, template: string) => {
    const res = await alice.inject({ url: `/v3/clusters/${cid}${path}`, headers: { host: HOST } })
    assertMatchesSpec('GET', `/clusters/{cluster_id}${template}`, res.statusCode, res.json())
    assertMatchesServedSpec('GET', `/clusters/{cluster_id}${template}`, res.statusCode, res.json())
    return { status: res.statusCode, body: res.json() }
  }
  // Kafka lists only the groups the principal may describe.
  const list = await get('/consumer-groups', '/consumer-groups')
  assert.equal(list.status, 200)
  assert.deepEqual(
    list.body.data.map((g: { consumer_group_id: string }) => g.consumer_group_id),
    ['alice-g']
  )
  // Reading a group Kafka will not describe is a 404, as upstream; changing it is the real reason, 403.
  assert.deepEqual(await get('/consumer-groups/other-g', '/consumer-groups/{consumer_group_id}'), {
    status: 404,
    body: { error_code: 404, message: 'HTTP 404 Not Found' }
  })
  const deleteOther = await alice.inject({ method: 'DELETE', url: `/v3/clusters/${cid}/consumer-groups/other-g` })
  assert.deepEqual(
    [deleteOther.statusCode, deleteOther.json()],
    [403, { error_code: 40301, message: 'Not authorized to access group: other-g' }]
  )
  // alice may describe alice-g but not delete it: Kafka's refusal, 403/40301.
  const deleteOwn = await alice.inject({ method: 'DELETE', url: `/v3/clusters/${cid}/consumer-groups/alice-g` })
  assert.deepEqual(
    [deleteOwn.statusCode, deleteOwn.json()],
    [403, { error_code: 40301, message: 'Group authorization failed.' }]
  )
})

test('without an authorizer, ACL calls are 400/40002 (shared broker)', async t => {
  const app = await startProxy(t)
  const res = await app.inject({ url: '/v3/clusters/x/acls?resource_type=TOPIC', headers: { host: HOST } })
  // The cluster check comes first: a wrong id is still a 404.
  assert.equal(res.statusCode, 404)
  const real = await app.inject({ url: `/v3/clusters/${clusterId()}/acls`, headers: { host: HOST } })
  assertMatchesSpec('GET', TEMPLATE, real.statusCode, real.json())
  assertMatchesServedSpec('GET', TEMPLATE, real.statusCode, real.json())
  assert.equal(real.statusCode, 400)
  assert.equal(real.json().error_code, 40002)
  assert.match(real.json().message, /No Authorizer is configured/)
})

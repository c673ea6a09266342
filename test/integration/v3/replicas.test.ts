// Replicas, reassignments and authorization on a 3-node cluster of this file's own. A real reassignment is kept
// ongoing by throttling replication, set up through the proxy's own config endpoints, while the proxy reads it.
//
// Authorization: the client listener (named PLAINTEXT) speaks SASL/PLAIN. The proxy connects as alice, an
// ordinary user who may do everything no ACL forbids; the test's own client is admin, a super user, as are
// the brokers among themselves (admin) and on the controller listener (ANONYMOUS): KRaft controllers must be
// super users, or they cannot vote before the authorizer has loaded the ACLs.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test, type TestContext } from 'node:test'
import {
  type Acl,
  AclOperations,
  AclPermissionTypes,
  Admin,
  Producer,
  ProduceAcks,
  ResourcePatternTypes,
  ResourceTypes
} from '@platformatic/kafka'
import { type KafkaCluster, startKafka } from '../../../tools/kafka/runtime.ts'
import { startProxy } from '../../helpers/app.ts'
import { uniqueName } from '../../helpers/kafka.ts'
import {
  alterReassignment,
  clusterDefaults,
  describeConfigs,
  settles,
  topicMetadata
} from '../../helpers/kafka-admin.ts'
import { BASE, v3 } from '../../helpers/v3.ts'

let cluster: KafkaCluster
let dataDir: string

const plain = (user: string) =>
  `org.apache.kafka.common.security.plain.PlainLoginModule required username="${user}" password="${user}-secret"`

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kafka-rest-replicas-'))
  cluster = await startKafka({
    dataDir,
    nodes: 3,
    fresh: true,
    overrides: {
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:SASL_PLAINTEXT',
      'sasl.enabled.mechanisms': 'PLAIN',
      'sasl.mechanism.inter.broker.protocol': 'PLAIN',
      'listener.name.plaintext.plain.sasl.jaas.config': `${plain('admin')} user_admin="admin-secret" user_alice="alice-secret";`,
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:ANONYMOUS;User:admin',
      'allow.everyone.if.no.acl.found': 'true'
    }
  })
})

after(async () => {
  await superUser?.close()
  await cluster?.stop()
  await rm(dataDir, { recursive: true, force: true })
})

const sasl = (user: string) => ({ mechanism: 'PLAIN' as const, username: user, password: `${user}-secret` })
const brokers = () => cluster.bootstrapServers.split(',')

const proxy = (t: TestContext) =>
  startProxy(t, {
    'bootstrap.servers': cluster.bootstrapServers,
    'client.security.protocol': 'SASL_PLAINTEXT',
    'client.sasl.mechanism': 'PLAIN',
    'client.sasl.jaas.config': `${plain('alice')};`
  })

// The test's own client: a super user, shared by the tests and closed after them (so that the tests' cleanups
// registered with t.after can still use it).
let superUser: Admin | undefined
const admin = (): Admin =>
  (superUser ??= new Admin({ clientId: 'test-admin', bootstrapBrokers: brokers(), sasl: sasl('admin') }))

async function createTopic(t: TestContext, a: Admin, name: string, assignments: number[][]) {
  await a.createTopics({
    topics: [{ topic: name, assignments: assignments.map((brokers, partition) => ({ partition, brokers })) }]
  })
  t.after(() => a.deleteTopics({ topics: [name] }).catch(() => {}))
  await settles(async () => {
    const partitions = (await topicMetadata(a, name))?.partitions ?? []
    assert.deepEqual(
      partitions.map(p => p.isr.length),
      assignments.map(r => r.length)
    )
  }, 15_000)
}

function replica(cid: string, topic: string, partition: number, broker: number, leader: boolean, inSync: boolean) {
  return {
    kind: 'KafkaReplica',
    metadata: {
      self: `${BASE}/clusters/${cid}/topics/${topic}/partitions/${partition}/replicas/${broker}`,
      resource_name: `crn:///kafka=${cid}/topic=${topic}/partition=${partition}/replica=${broker}`
    },
    cluster_id: cid,
    topic_name: topic,
    partition_id: partition,
    broker_id: broker,
    is_leader: leader,
    is_in_sync: inSync,
    broker: { related: `${BASE}/clusters/${cid}/brokers/${broker}` }
  }
}

const REPLICAS = '/clusters/{cluster_id}/topics/{topic_name}/partitions/{partition_id}/replicas'
const REPLICA = '/clusters/{cluster_id}/topics/{topic_name}/partitions/{partition_id}/replicas/{broker_id}'
const BROKER_REPLICAS = '/clusters/{cluster_id}/brokers/{broker_id}/partition-replicas'

test('replication factor 3: a topic created through the proxy, its replicas on three brokers', async t => {
  const app = await proxy(t)
  const a = admin()
  const cid = cluster.clusterId
  const topic = uniqueName('rf3')
  t.after(() => a.deleteTopics({ topics: [topic] }).catch(() => {}))

  const created = await v3(app, 'POST', `/clusters/${cid}/topics`, '/clusters/{cluster_id}/topics', {
    topic_name: topic,
    partitions_count: 2,
    replication_factor: 3
  })
  assert.deepEqual([created.status, created.body.replication_factor, created.body.partitions_count], [201, 3, 2])
  await settles(async () => {
    const partitions = (await topicMetadata(a, topic))?.partitions ?? []
    assert.deepEqual(
      partitions.map(p => p.isr.length),
      [3, 3]
    )
  }, 15_000)
  const [p0] = (await topicMetadata(a, topic))!.partitions

  const list = await v3(app, 'GET', `/clusters/${cid}/topics/${topic}/partitions/0/replicas`, REPLICAS)
  assert.deepEqual(list.body, {
    kind: 'KafkaReplicaList',
    metadata: { self: `${BASE}/clusters/${cid}/topics/${topic}/partitions/0/replicas`, next: null },
    data: p0.replicas.map(b => replica(cid, topic, 0, b, b === p0.leader, true))
  })
  const follower = p0.replicas.find(b => b !== p0.leader)!
  assert.deepEqual(
    (await v3(app, 'GET', `/clusters/${cid}/topics/${topic}/partitions/0/replicas/${follower}`, REPLICA)).body,
    replica(cid, topic, 0, follower, false, true)
  )
  assert.deepEqual((await v3(app, 'GET', `/clusters/${cid}/topics/${topic}/partitions/0/replicas/4`, REPLICA)).body, {
    error_code: 404,
    message: 'HTTP 404 Not Found'
  })
  assert.deepEqual((await v3(app, 'GET', `/clusters/${cid}/topics/${topic}/partitions/9/replicas`, REPLICAS)).body, {
    error_code: 404,
    message: `Partition 9 of topic ${topic} could not be found on cluster ${cid}.`
  })
  const missing = await v3(app, 'GET', `/clusters/${cid}/topics/${uniqueName('nope')}/partitions/0/replicas`, REPLICAS)
  assert.deepEqual([missing.status, missing.body.error_code], [404, 40403])

  // The partition's leader link points at the leader's replica.
  const partition = await v3(app, 'GET', `/clusters/${cid}/topics/${topic}/partitions/0`, null)
  assert.equal(
    partition.body.leader.related,
    `${BASE}/clusters/${cid}/topics/${topic}/partitions/0/replicas/${p0.leader}`
  )
})

test('the replicas of a broker, sorted by topic and partition', async t => {
  const app = await proxy(t)
  const a = admin()
  const cid = cluster.clusterId
  const [first, second] = [uniqueName('by-broker-a'), uniqueName('by-broker-b')]
  await createTopic(t, a, second, [
    [2, 3],
    [3, 1]
  ])
  await createTopic(t, a, first, [
    [1, 3],
    [3, 2],
    [2, 1]
  ])

  const res = await v3(app, 'GET', `/clusters/${cid}/brokers/2/partition-replicas`, BROKER_REPLICAS)
  assert.deepEqual(res.body.metadata, { self: `${BASE}/clusters/${cid}/brokers/2/partition-replicas`, next: null })
  // Every partition that lists broker 2, internal topics included, in (topic, partition) order.
  const expected: [string, number][] = []
  for (const topic of await a.listTopics({ includeInternals: true })) {
    const partitions = (await topicMetadata(a, topic))?.partitions ?? []
    partitions.forEach((p, i) => p.replicas.includes(2) && expected.push([topic, i]))
  }
  expected.sort(([t1, p1], [t2, p2]) => (t1 === t2 ? p1 - p2 : t1 < t2 ? -1 : 1))
  assert.deepEqual(
    res.body.data.map((r: { topic_name: string; partition_id: number }) => [r.topic_name, r.partition_id]),
    expected
  )
  const mine = res.body.data.filter((r: { topic_name: string }) => r.topic_name === first || r.topic_name === second)
  assert.deepEqual(mine, [
    replica(cid, first, 1, 2, false, true),
    replica(cid, first, 2, 2, true, true),
    replica(cid, second, 0, 2, true, true)
  ])

  assert.deepEqual((await v3(app, 'GET', `/clusters/${cid}/brokers/9/partition-replicas`, BROKER_REPLICAS)).body, {
    error_code: 404,
    message: 'Broker 9 cannot be found.'
  })
})

const REASSIGNMENTS = '/clusters/{cluster_id}/topics/-/partitions/-/reassignment'
const TOPIC_REASSIGNMENTS = '/clusters/{cluster_id}/topics/{topic_name}/partitions/-/reassignment'
const REASSIGNMENT = '/clusters/{cluster_id}/topics/{topic_name}/partitions/{partition_id}/reassignment'

function reassignment(cid: string, topic: string, inList: boolean) {
  const partition = `${BASE}/clusters/${cid}/topics/${topic}/partitions/0`
  const segment = inList ? 'reassignments' : 'reassignment'
  return {
    kind: 'KafkaReassignment',
    metadata: {
      self: `${partition}/${segment}`,
      resource_name: `crn:///kafka=${cid}/topic=${topic}/partition=0/${segment}`
    },
    cluster_id: cid,
    topic_name: topic,
    partition_id: 0,
    adding_replicas: [2, 3],
    removing_replicas: [1],
    replicas: { related: `${partition}/replicas` }
  }
}

test('an ongoing reassignment (throttled through the proxy) listed, searched by topic and read alone', async t => {
  const app = await proxy(t)
  const a = admin()
  const cid = cluster.clusterId
  const topic = uniqueName('moving')
  await createTopic(t, a, topic, [[1], [1]])
  t.after(() => alterReassignment(a, topic, 0, null).catch(() => {}))

  // 3 MB in partition 0, replicated at 10 kB/s: the move to brokers 2 and 3 takes minutes.
  const producer = new Producer({
    clientId: 'test',
    bootstrapBrokers: brokers(),
    sasl: sasl('admin'),
    autocreateTopics: false
  })
  const value = Buffer.alloc(100_000, 1)
  for (let i = 0; i < 3; i++) {
    await producer.send({
      acks: ProduceAcks.ALL,
      messages: Array.from({ length: 10 }, () => ({ topic, partition: 0, value }))
    })
  }
  await producer.close()

  // The throttle rates are not among the configs a broker describes, so the per-broker endpoints refuse them
  // (404, as upstream checks names first); the cluster-wide defaults are written unchecked and apply to all.
  const rates = {
    data: ['leader', 'follower'].map(side => ({ name: `${side}.replication.throttled.rate`, value: '10000' }))
  }
  const perBroker = await v3(app, 'POST', `/clusters/${cid}/brokers/1/configs:alter`, null, rates)
  assert.deepEqual(perBroker.body, {
    error_code: 404,
    message: `Config leader.replication.throttled.rate cannot be found for BROKER 1 in cluster ${cid}.`
  })
  t.after(async () => {
    const reset = { data: rates.data.map(({ name }) => ({ name, operation: 'DELETE' })) }
    await v3(await proxy(t), 'POST', `/clusters/${cid}/broker-configs:alter`, null, reset)
  })
  assert.equal((await v3(app, 'POST', `/clusters/${cid}/broker-configs:alter`, null, rates)).status, 204)
  const replicas = await v3(app, 'POST', `/clusters/${cid}/topics/${topic}/configs:alter`, null, {
    data: [
      { name: 'leader.replication.throttled.replicas', value: '0:1' },
      { name: 'follower.replication.throttled.replicas', value: '0:2,0:3' }
    ]
  })
  assert.equal(replicas.status, 204)
  await settles(async () => {
    const defaults = await clusterDefaults(a)
    assert.deepEqual(
      [defaults.get('leader.replication.throttled.rate'), defaults.get('follower.replication.throttled.rate')],
      ['10000', '10000']
    )
    assert.equal((await describeConfigs(a, { topic })).get('follower.replication.throttled.replicas')?.value, '0:2,0:3')
  })

  assert.deepEqual(
    (await v3(app, 'GET', `/clusters/${cid}/topics/-/partitions/-/reassignment`, REASSIGNMENTS)).body.data,
    []
  )
  await alterReassignment(a, topic, 0, [2, 3])

  const all = await v3(app, 'GET', `/clusters/${cid}/topics/-/partitions/-/reassignment`, REASSIGNMENTS)
  assert.deepEqual(
    [all.status, all.body],
    [
      200,
      {
        kind: 'KafkaReassignmentList',
        metadata: { self: `${BASE}/clusters/${cid}/topics/-/partitions/-/reassignments`, next: null },
        data: [reassignment(cid, topic, true)]
      }
    ]
  )
  const byTopic = await v3(
    app,
    'GET',
    `/clusters/${cid}/topics/${topic}/partitions/-/reassignment`,
    TOPIC_REASSIGNMENTS
  )
  assert.deepEqual(byTopic.body, {
    kind: 'KafkaReassignmentList',
    metadata: { self: `${BASE}/clusters/${cid}/topics/${topic}/partitions/-/reassignments`, next: null },
    data: [reassignment(cid, topic, true)]
  })
  const other = uniqueName('still')
  assert.deepEqual(
    (await v3(app, 'GET', `/clusters/${cid}/topics/${other}/partitions/-/reassignment`, TOPIC_REASSIGNMENTS)).body.data,
    []
  )
  const one = await v3(app, 'GET', `/clusters/${cid}/topics/${topic}/partitions/0/reassignment`, REASSIGNMENT)
  assert.deepEqual([one.status, one.body], [200, reassignment(cid, topic, false)])
  assert.deepEqual(
    (await v3(app, 'GET', `/clusters/${cid}/topics/${topic}/partitions/1/reassignment`, REASSIGNMENT)).body,
    {
      error_code: 404,
      message: 'HTTP 404 Not Found'
    }
  )

  // Meanwhile the partition has all three replicas, only the old one in sync; broker 3 holds a replica.
  const partitionReplicas = await v3(app, 'GET', `/clusters/${cid}/topics/${topic}/partitions/0/replicas`, REPLICAS)
  assert.deepEqual(
    partitionReplicas.body.data.map((r: { broker_id: number; is_in_sync: boolean }) => [r.broker_id, r.is_in_sync]),
    [
      [2, false],
      [3, false],
      [1, true]
    ]
  )
  const onBroker3 = await v3(app, 'GET', `/clusters/${cid}/brokers/3/partition-replicas`, BROKER_REPLICAS)
  assert.deepEqual(
    onBroker3.body.data.filter((r: { topic_name: string }) => r.topic_name === topic),
    [replica(cid, topic, 0, 3, false, false)]
  )

  await alterReassignment(a, topic, 0, null)
  await settles(async () =>
    assert.deepEqual(
      (await v3(app, 'GET', `/clusters/${cid}/topics/${topic}/partitions/-/reassignment`, TOPIC_REASSIGNMENTS)).body
        .data,
      []
    )
  )
  assert.equal(
    (await v3(app, 'GET', `/clusters/${cid}/topics/${topic}/partitions/0/reassignment`, REASSIGNMENT)).status,
    404
  )
  assert.equal((await v3(app, 'GET', '/clusters/nope/topics/-/partitions/-/reassignment', REASSIGNMENTS)).status, 404)
})

test('refused by Kafka ACLs: 403/40301 from whole requests and from single resources inside them', async t => {
  const app = await proxy(t)
  const a = admin()
  const cid = cluster.clusterId
  const [secret, locked, open, forbidden] = ['secret', 'locked', 'open', 'forbidden'].map(uniqueName)
  await createTopic(t, a, secret, [[1]])
  await createTopic(t, a, locked, [[2]])
  await createTopic(t, a, open, [[3]])
  const acl = (
    type: Acl['resourceType'],
    name: string,
    operation: Acl['operation'],
    permission: Acl['permissionType']
  ): Acl => ({
    resourceType: type,
    resourceName: name,
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal: 'User:alice',
    host: '*',
    operation,
    permissionType: permission
  })
  const { TOPIC, CLUSTER } = ResourceTypes
  const { ALLOW, DENY } = AclPermissionTypes
  const acls = [
    acl(TOPIC, secret, AclOperations.ALL, ALLOW),
    acl(TOPIC, secret, AclOperations.DESCRIBE_CONFIGS, DENY),
    acl(TOPIC, secret, AclOperations.DELETE, DENY),
    acl(TOPIC, locked, AclOperations.ALL, ALLOW),
    acl(TOPIC, locked, AclOperations.ALTER_CONFIGS, DENY),
    acl(TOPIC, locked, AclOperations.ALTER, DENY),
    // Kafka lets a principal create (or delete) any topic when the cluster allows it, else asks the topic's
    // ACLs. Any ACL on the cluster ends "allowed because no ACL", so the cluster operations alice needs are
    // allowed explicitly.
    ...[AclOperations.DESCRIBE, AclOperations.DESCRIBE_CONFIGS, AclOperations.ALTER_CONFIGS].map(op =>
      acl(CLUSTER, 'kafka-cluster', op, ALLOW)
    ),
    acl(CLUSTER, 'kafka-cluster', AclOperations.CREATE, DENY),
    acl(TOPIC, forbidden, AclOperations.CREATE, DENY)
  ]
  await a.createAcls({ creations: acls })
  t.after(() => a.deleteAcls({ filters: acls }))
  const denied = { error_code: 40301, message: 'Topic authorization failed.' }
  const expectDenied = async (res: Promise<{ status: number; body: unknown }>, message = denied.message) => {
    const { status, body } = await res
    assert.deepEqual({ status, body }, { status: 403, body: { ...denied, message } })
  }

  await settles(() => expectDenied(v3(app, 'GET', `/clusters/${cid}/topics/${secret}/configs`, null)))
  await expectDenied(v3(app, 'DELETE', `/clusters/${cid}/topics/${secret}`, null))
  await expectDenied(v3(app, 'PUT', `/clusters/${cid}/topics/${locked}/configs/retention.ms`, null, { value: '1000' }))
  await expectDenied(v3(app, 'PATCH', `/clusters/${cid}/topics/${locked}`, null, { partitions_count: 3 }))
  // Kafka's own text for a topic it may not create.
  await expectDenied(
    v3(app, 'POST', `/clusters/${cid}/topics`, null, { topic_name: forbidden }),
    'Authorization failed.'
  )

  const multi = await v3(app, 'POST', `/clusters/${cid}/topics/-/configs:alter`, null, {
    data: [
      { topic_name: open, configs: [{ name: 'retention.ms', value: '1000' }] },
      { topic_name: locked, configs: [{ name: 'retention.ms', value: '1000' }] }
    ]
  })
  assert.deepEqual([multi.status, multi.body], [207, { failures: [{ topic_name: locked, ...denied }] }])

  // Nothing happened to the protected topics; the allowed one changed.
  await settles(async () =>
    assert.equal((await describeConfigs(a, { topic: open })).get('retention.ms')?.value, '1000')
  )
  assert.equal((await describeConfigs(a, { topic: locked })).get('retention.ms')?.value, '604800000')
  assert.equal((await topicMetadata(a, locked))?.partitionsCount, 1)
  assert.ok(await topicMetadata(a, secret))
  assert.equal(await topicMetadata(a, forbidden), undefined)
})

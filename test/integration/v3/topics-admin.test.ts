// v3 topic create / partition increase / delete against the shared 1-node broker. Every effect is read back
// from Kafka with the plain client; every body is validated against Confluent's OpenAPI file.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startProxy } from '../../helpers/app.ts'
import { eventually } from '../../helpers/eventually.ts'
import { clusterId, createTopic, uniqueName } from '../../helpers/kafka.ts'
import { deleteTopics, describeConfigs, rawAdmin, settles, topicMetadata } from '../../helpers/kafka-admin.ts'
import { BASE, v3 } from '../../helpers/v3.ts'

const TOPICS = '/clusters/{cluster_id}/topics'
const TOPIC = '/clusters/{cluster_id}/topics/{topic_name}'

function topicBody(cid: string, name: string, partitions: number, replicationFactor: number) {
  const url = `${BASE}/clusters/${cid}/topics/${name}`
  return {
    kind: 'KafkaTopic',
    metadata: { self: url, resource_name: `crn:///kafka=${cid}/topic=${name}` },
    cluster_id: cid,
    topic_name: name,
    is_internal: false,
    replication_factor: replicationFactor,
    partitions_count: partitions,
    partitions: { related: `${url}/partitions` },
    configs: { related: `${url}/configs` },
    partition_reassignments: { related: `${url}/partitions/-/reassignment` },
    authorized_operations: []
  }
}

test('create a topic: 201, Location, the topic as Kafka made it, configs applied', async t => {
  const app = await startProxy(t)
  const admin = rawAdmin(t)
  const cid = clusterId()
  const name = uniqueName('created')
  t.after(() => deleteTopics(admin, [name]))

  const res = await v3(app, 'POST', `/clusters/${cid}/topics`, TOPICS, {
    topic_name: name,
    partitions_count: 3,
    replication_factor: 1,
    configs: [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'retention.ms', value: 3600000 }
    ]
  })
  assert.equal(res.status, 201)
  assert.equal(res.headers.location, `${BASE}/clusters/${cid}/topics/${name}`)
  assert.deepEqual(res.body, topicBody(cid, name, 3, 1))

  await settles(async () => assert.equal((await topicMetadata(admin, name))?.partitionsCount, 3))
  const configs = await describeConfigs(admin, { topic: name })
  assert.deepEqual([configs.get('cleanup.policy')?.value, configs.get('cleanup.policy')?.source], ['compact', 1])
  assert.equal(configs.get('retention.ms')?.value, '3600000')

  // The new topic is listed and readable like any other.
  const got = await v3(app, 'GET', `/clusters/${cid}/topics/${name}`, TOPIC)
  assert.deepEqual(got, { status: 200, body: topicBody(cid, name, 3, 1), headers: got.headers })
})

test('create with broker defaults and with explicit replica assignments', async t => {
  const app = await startProxy(t)
  const admin = rawAdmin(t)
  const cid = clusterId()
  const [plain, assigned] = [uniqueName('defaults'), uniqueName('assigned')]
  t.after(() => deleteTopics(admin, [plain, assigned]))

  const defaults = await v3(app, 'POST', `/clusters/${cid}/topics`, TOPICS, { topic_name: plain })
  assert.deepEqual([defaults.status, defaults.body], [201, topicBody(cid, plain, 1, 1)])

  // Assignments decide both counts, even when counts are given too.
  const explicit = await v3(app, 'POST', `/clusters/${cid}/topics`, TOPICS, {
    topic_name: assigned,
    partitions_count: 7,
    replicas_assignments: { '0': [1], '1': [1] }
  })
  assert.deepEqual([explicit.status, explicit.body], [201, topicBody(cid, assigned, 2, 1)])
  await settles(async () =>
    assert.deepEqual(
      (await topicMetadata(admin, assigned))?.partitions.map(p => p.replicas),
      [[1], [1]]
    )
  )
})

test('validate_only: 200 with the would-be topic, nothing created', async t => {
  const app = await startProxy(t)
  const admin = rawAdmin(t)
  const cid = clusterId()
  const name = uniqueName('dry-run')
  t.after(() => deleteTopics(admin, [name]))

  const res = await v3(app, 'POST', `/clusters/${cid}/topics`, TOPICS, {
    topic_name: name,
    partitions_count: 4,
    validate_only: true
  })
  assert.equal(res.status, 200)
  assert.equal(res.headers.location, undefined)
  assert.deepEqual(res.body, topicBody(cid, name, 4, 1))
  assert.equal(await topicMetadata(admin, name), undefined)

  // A dry run is refused like the real thing.
  const bad = await v3(app, 'POST', `/clusters/${cid}/topics`, TOPICS, {
    topic_name: name,
    configs: [{ name: 'retention.ms', value: 'soon' }],
    validate_only: true
  })
  assert.deepEqual(
    [bad.status, bad.body],
    [
      400,
      { error_code: 40002, message: 'Invalid value soon for configuration retention.ms: Not a number of type LONG' }
    ]
  )
})

test('create refused by Kafka: exists, replication factor, partitions, config', async t => {
  const existing = await createTopic(t)
  const app = await startProxy(t)
  const admin = rawAdmin(t)
  const cid = clusterId()
  const name = uniqueName('refused')
  t.after(() => deleteTopics(admin, [name]))
  const create = (body: object) => v3(app, 'POST', `/clusters/${cid}/topics`, TOPICS, body)

  assert.deepEqual((await create({ topic_name: existing })).body, {
    error_code: 40002,
    message: `Topic '${existing}' already exists.`
  })
  const rf = await create({ topic_name: name, partitions_count: 1, replication_factor: 3 })
  assert.equal(rf.status, 400)
  assert.equal(rf.body.error_code, 40002)
  assert.match(rf.body.message, /replication factor of 3 cannot be reached because only 1 broker/)
  assert.deepEqual((await create({ topic_name: name, partitions_count: 0 })).body, {
    error_code: 40002,
    message: 'Number of partitions was set to an invalid non-positive value.'
  })
  assert.deepEqual((await create({ topic_name: name, configs: [{ name: 'no.such.config', value: '1' }] })).body, {
    error_code: 40002,
    message: 'Unknown topic config name: no.such.config'
  })
  const broker = await create({ topic_name: name, replicas_assignments: { '0': [7] } })
  assert.deepEqual([broker.status, broker.body.error_code], [500, 50002])
  assert.match(broker.body.message, /broker 7/)
  assert.equal(await topicMetadata(admin, name), undefined)
})

test('create: bad request bodies', async t => {
  const app = await startProxy(t)
  const cid = clusterId()
  const post = (body: unknown) => v3(app, 'POST', `/clusters/${cid}/topics`, TOPICS, body)
  const empty = { error_code: 42206, message: 'Payload error. Request body is empty. Data is required.' }

  assert.deepEqual(await post(''), { status: 422, body: empty, headers: (await post('')).headers })
  assert.deepEqual((await post('null')).body, empty)
  assert.deepEqual((await post({})).body, { error_code: 400, message: 'Bad Request: topic_name is required.' })
  const notJson = await post('foobar')
  assert.deepEqual([notJson.status, notJson.body.error_code], [400, 400])
  for (const name of ['a b', '', '..', 'x'.repeat(250), 'ünï']) {
    const res = await post({ topic_name: name })
    assert.deepEqual(
      [res.status, res.body],
      [422, { error_code: 42206, message: 'Payload error. Invalid topic name.' }]
    )
  }
  assert.deepEqual((await post({ topic_name: 'x', partitions: 3 })).body, {
    error_code: 422,
    message: 'Unrecognized field: partitions'
  })
  assert.deepEqual((await post({ topic_name: 'x', partitions_count: 'A' })).body, {
    error_code: 400,
    message:
      'Cannot deserialize value of type `java.lang.Integer` from String "A": not a valid `java.lang.Integer` value'
  })
  assert.deepEqual((await post([])).status, 400)

  assert.deepEqual((await v3(app, 'POST', '/clusters/nope/topics', TOPICS, { topic_name: uniqueName('x') })).body, {
    error_code: 404,
    message: 'Cluster nope cannot be found.'
  })
})

test('PATCH partitions_count: 200 with the grown topic; not an increase 400; unknown topic 404', async t => {
  const name = await createTopic(t, { partitions: 2 })
  const app = await startProxy(t)
  const admin = rawAdmin(t)
  const cid = clusterId()

  const grown = await v3(app, 'PATCH', `/clusters/${cid}/topics/${name}`, TOPIC, { partitions_count: 5 })
  assert.deepEqual([grown.status, grown.body], [200, topicBody(cid, name, 5, 1)])
  assert.equal((await topicMetadata(admin, name))?.partitionsCount, 5)

  // Kafka's own texts.
  const same = await v3(app, 'PATCH', `/clusters/${cid}/topics/${name}`, TOPIC, { partitions_count: 5 })
  assert.deepEqual([same.status, same.body], [400, { error_code: 40002, message: 'Topic already has 5 partition(s).' }])
  const fewer = await v3(app, 'PATCH', `/clusters/${cid}/topics/${name}`, TOPIC, { partitions_count: 3 })
  assert.deepEqual(
    [fewer.status, fewer.body],
    [400, { error_code: 40002, message: `The topic ${name} currently has 5 partition(s); 3 would not be an increase.` }]
  )
  const missing = await v3(app, 'PATCH', `/clusters/${cid}/topics/${uniqueName('nope')}`, TOPIC, {
    partitions_count: 2
  })
  assert.deepEqual(
    [missing.status, missing.body],
    [404, { error_code: 40403, message: 'This server does not host this topic-partition.' }]
  )
  assert.deepEqual((await v3(app, 'PATCH', `/clusters/${cid}/topics/${name}`, TOPIC, '')).body, {
    error_code: 42206,
    message: 'Payload error. Request body is empty. Data is required.'
  })
  assert.deepEqual((await v3(app, 'PATCH', `/clusters/${cid}/topics/${name}`, TOPIC, {})).status, 400)
  assert.equal((await topicMetadata(admin, name))?.partitionsCount, 5)
})

test('DELETE a topic: 204, gone from Kafka; again 404', async t => {
  const app = await startProxy(t)
  const admin = rawAdmin(t)
  const cid = clusterId()
  const name = uniqueName('doomed')
  await admin.createTopics({ topics: [name], partitions: 1 })

  const res = await v3(app, 'DELETE', `/clusters/${cid}/topics/${name}`, TOPIC)
  assert.equal(res.status, 204)
  await eventually('the topic to be gone', async () => (await topicMetadata(admin, name)) === undefined, 10_000)
  const again = await v3(app, 'DELETE', `/clusters/${cid}/topics/${name}`, TOPIC)
  assert.deepEqual(
    [again.status, again.body],
    [404, { error_code: 40403, message: 'This server does not host this topic-partition.' }]
  )
  assert.equal((await v3(app, 'DELETE', `/clusters/nope/topics/${name}`, TOPIC)).status, 404)
})

// v3 topic configs against the shared 1-node broker: one topic's, every topic's, and multi-topic changes.
// Every change is read back from Kafka with describeConfigs; every body is validated against the OpenAPI file.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startProxy } from '../../helpers/app.ts'
import { clusterId, createTopic, uniqueName } from '../../helpers/kafka.ts'
import { describeConfigs, rawAdmin, settles } from '../../helpers/kafka-admin.ts'
import { BASE, v3 } from '../../helpers/v3.ts'

const TOPIC_CONFIGS = '/clusters/{cluster_id}/topics/{topic_name}/configs'
const TOPIC_CONFIG = '/clusters/{cluster_id}/topics/{topic_name}/configs/{name}'
const TOPIC_ALTER = '/clusters/{cluster_id}/topics/{topic_name}/configs:alter'

const DYNAMIC_TOPIC = 1
const DEFAULT = 5
const emptyBody = { error_code: 42206, message: 'Payload error. Request body is empty. Data is required.' }

function topicConfig(cid: string, topic: string, name: string, rest: object) {
  return {
    kind: 'KafkaTopicConfig',
    metadata: {
      self: `${BASE}/clusters/${cid}/topics/${topic}/configs/${name}`,
      resource_name: `crn:///kafka=${cid}/topic=${topic}/config=${name}`
    },
    cluster_id: cid,
    topic_name: topic,
    name,
    ...rest
  }
}

const cleanupPolicyDefault = {
  value: 'delete',
  is_default: true,
  is_read_only: false,
  is_sensitive: false,
  source: 'DEFAULT_CONFIG',
  synonyms: [{ name: 'log.cleanup.policy', value: 'delete', source: 'DEFAULT_CONFIG' }]
}

test('topic configs: list sorted, get, update, reset', async t => {
  const topic = await createTopic(t)
  const app = await startProxy(t)
  const admin = rawAdmin(t)
  const cid = clusterId()
  const path = `/clusters/${cid}/topics/${topic}/configs`

  const list = await v3(app, 'GET', path, TOPIC_CONFIGS)
  assert.equal(list.status, 200)
  assert.equal(list.body.kind, 'KafkaTopicConfigList')
  assert.deepEqual(list.body.metadata, { self: `${BASE}${path}`, next: null })
  const names = list.body.data.map((c: { name: string }) => c.name)
  assert.deepEqual(names, [...names].sort())
  assert.equal(names.length, (await describeConfigs(admin, { topic })).size)
  const expected = topicConfig(cid, topic, 'cleanup.policy', cleanupPolicyDefault)
  assert.deepEqual(
    list.body.data.find((c: { name: string }) => c.name === 'cleanup.policy'),
    expected
  )
  assert.deepEqual((await v3(app, 'GET', `${path}/cleanup.policy`, TOPIC_CONFIG)).body, expected)

  assert.equal((await v3(app, 'PUT', `${path}/cleanup.policy`, TOPIC_CONFIG, { value: 'compact' })).status, 204)
  await settles(async () =>
    assert.deepEqual((await describeConfigs(admin, { topic })).get('cleanup.policy'), {
      value: 'compact',
      source: DYNAMIC_TOPIC,
      synonyms: [
        { name: 'cleanup.policy', value: 'compact', source: DYNAMIC_TOPIC },
        { name: 'log.cleanup.policy', value: 'delete', source: DEFAULT }
      ]
    })
  )
  assert.deepEqual(
    (await v3(app, 'GET', `${path}/cleanup.policy`, TOPIC_CONFIG)).body,
    topicConfig(cid, topic, 'cleanup.policy', {
      value: 'compact',
      is_default: false,
      is_read_only: false,
      is_sensitive: false,
      source: 'DYNAMIC_TOPIC_CONFIG',
      synonyms: [
        { name: 'cleanup.policy', value: 'compact', source: 'DYNAMIC_TOPIC_CONFIG' },
        { name: 'log.cleanup.policy', value: 'delete', source: 'DEFAULT_CONFIG' }
      ]
    })
  )

  assert.equal((await v3(app, 'DELETE', `${path}/cleanup.policy`, TOPIC_CONFIG)).status, 204)
  await settles(async () =>
    assert.equal((await describeConfigs(admin, { topic })).get('cleanup.policy')?.source, DEFAULT)
  )
  assert.deepEqual((await v3(app, 'GET', `${path}/cleanup.policy`, TOPIC_CONFIG)).body, expected)
})

test('topic configs: unknown topic, cluster or name; invalid values; bodies', async t => {
  const topic = await createTopic(t)
  const app = await startProxy(t)
  const admin = rawAdmin(t)
  const cid = clusterId()
  const path = `/clusters/${cid}/topics/${topic}/configs`
  const unknownTopic = { error_code: 40403, message: 'This server does not host this topic-partition.' }

  const missing = uniqueName('missing')
  assert.deepEqual(
    (await v3(app, 'GET', `/clusters/${cid}/topics/${missing}/configs`, TOPIC_CONFIGS)).body,
    unknownTopic
  )
  const put = await v3(app, 'PUT', `/clusters/${cid}/topics/${missing}/configs/retention.ms`, TOPIC_CONFIG, {
    value: '1'
  })
  assert.deepEqual([put.status, put.body], [404, unknownTopic])
  assert.deepEqual((await v3(app, 'GET', `/clusters/nope/topics/${topic}/configs`, TOPIC_CONFIGS)).body, {
    error_code: 404,
    message: 'Cluster nope cannot be found.'
  })
  assert.deepEqual((await v3(app, 'GET', `${path}/no.such.config`, TOPIC_CONFIG)).body, {
    error_code: 404,
    message: 'HTTP 404 Not Found'
  })
  const notFound = {
    error_code: 404,
    message: `Config no.such.config cannot be found for TOPIC ${topic} in cluster ${cid}.`
  }
  assert.deepEqual((await v3(app, 'PUT', `${path}/no.such.config`, TOPIC_CONFIG, { value: '1' })).body, notFound)
  assert.deepEqual((await v3(app, 'DELETE', `${path}/no.such.config`, TOPIC_CONFIG)).body, notFound)

  const invalid = await v3(app, 'PUT', `${path}/retention.ms`, TOPIC_CONFIG, { value: 'abc' })
  assert.deepEqual(
    [invalid.status, invalid.body],
    [400, { error_code: 40002, message: 'Invalid value abc for configuration retention.ms: Not a number of type LONG' }]
  )
  assert.deepEqual((await v3(app, 'PUT', `${path}/retention.ms`, TOPIC_CONFIG, {})).body, {
    error_code: 40002,
    message: 'Null value not supported for : retention.ms'
  })
  assert.deepEqual((await v3(app, 'PUT', `${path}/retention.ms`, TOPIC_CONFIG, '')).body, emptyBody)
  assert.equal((await describeConfigs(admin, { topic })).get('retention.ms')?.source, DEFAULT)
})

test('topic configs:alter: SET and DELETE at once; validate_only changes nothing; unknown name 404', async t => {
  const topic = await createTopic(t, { configs: { 'cleanup.policy': 'compact' } })
  const app = await startProxy(t)
  const admin = rawAdmin(t)
  const cid = clusterId()
  const path = `/clusters/${cid}/topics/${topic}/configs:alter`
  const read = async () => {
    const configs = await describeConfigs(admin, { topic })
    return [configs.get('retention.ms')?.value, configs.get('cleanup.policy')?.value]
  }

  const dryRun = await v3(app, 'POST', path, TOPIC_ALTER, {
    data: [
      { name: 'retention.ms', value: '1000' },
      { name: 'cleanup.policy', operation: 'DELETE' }
    ],
    validate_only: true
  })
  assert.equal(dryRun.status, 204)
  assert.deepEqual(await read(), ['604800000', 'compact'])
  const refusedDryRun = await v3(app, 'POST', path, TOPIC_ALTER, {
    data: [{ name: 'retention.ms', value: 'x' }],
    validate_only: true
  })
  assert.deepEqual([refusedDryRun.status, refusedDryRun.body.error_code], [400, 40002])

  const unknown = await v3(app, 'POST', path, TOPIC_ALTER, {
    data: [
      { name: 'retention.ms', value: '1000' },
      { name: 'no.such.config', value: '1' }
    ]
  })
  assert.deepEqual(
    [unknown.status, unknown.body],
    [404, { error_code: 404, message: `Config no.such.config cannot be found for TOPIC ${topic} in cluster ${cid}.` }]
  )
  assert.deepEqual(await read(), ['604800000', 'compact'])

  const applied = await v3(app, 'POST', path, TOPIC_ALTER, {
    data: [
      { name: 'retention.ms', value: '1000' },
      { name: 'cleanup.policy', operation: 'DELETE' }
    ]
  })
  assert.equal(applied.status, 204)
  await settles(async () => assert.deepEqual(await read(), ['1000', 'delete']))
  assert.deepEqual((await v3(app, 'POST', path, TOPIC_ALTER, '')).body, emptyBody)
})

test('all topics: configs of every topic; multi-topic alter answers 204, or 207 with the refused topics', async t => {
  const [one, two] = [await createTopic(t), await createTopic(t)]
  const app = await startProxy(t)
  const admin = rawAdmin(t)
  const cid = clusterId()

  const all = await v3(app, 'GET', `/clusters/${cid}/topics/-/configs`, '/clusters/{cluster_id}/topics/-/configs')
  assert.equal(all.status, 200)
  assert.deepEqual(all.body.metadata, { self: `${BASE}/clusters/${cid}/topics/-/configs`, next: null })
  const mine = all.body.data.filter((c: { topic_name: string }) => c.topic_name === one)
  assert.equal(mine.length, (await describeConfigs(admin, { topic: one })).size)
  assert.deepEqual(
    mine.find((c: { name: string }) => c.name === 'cleanup.policy'),
    topicConfig(cid, one, 'cleanup.policy', cleanupPolicyDefault)
  )
  assert.ok(!all.body.data.some((c: { topic_name: string }) => c.topic_name.startsWith('__')))

  const alter = (body: unknown) => v3(app, 'POST', `/clusters/${cid}/topics/-/configs:alter`, null, body)
  const retention = async () =>
    Promise.all([one, two].map(async topic => (await describeConfigs(admin, { topic })).get('retention.ms')?.value))

  assert.equal(
    (
      await alter({
        data: [
          { topic_name: one, configs: [{ name: 'retention.ms', value: '1000' }] },
          { topic_name: two, configs: [{ name: 'retention.ms', value: '2000' }] }
        ],
        validate_only: true
      })
    ).status,
    204
  )
  assert.deepEqual(await retention(), ['604800000', '604800000'])

  const ok = await alter({
    data: [
      { topic_name: one, configs: [{ name: 'retention.ms', value: '1000' }] },
      { topic_name: two, configs: [{ name: 'retention.ms', value: '2000' }] }
    ]
  })
  assert.equal(ok.status, 204)
  await settles(async () => assert.deepEqual(await retention(), ['1000', '2000']))

  const partly = await alter({
    data: [
      { topic_name: one, configs: [{ name: 'retention.ms', value: '3000' }] },
      { topic_name: two, configs: [{ name: 'retention.ms', value: 'later' }] }
    ]
  })
  assert.deepEqual(
    [partly.status, partly.body],
    [
      207,
      {
        failures: [
          {
            topic_name: two,
            error_code: 40002,
            message: 'Invalid value later for configuration retention.ms: Not a number of type LONG'
          }
        ]
      }
    ]
  )
  await settles(async () => assert.deepEqual(await retention(), ['3000', '2000']))

  // Checked before anything changes: an unknown topic or config name fails the whole request.
  const missingTopic = await alter({
    data: [
      { topic_name: one, configs: [{ name: 'retention.ms', value: '4000' }] },
      { topic_name: uniqueName('missing'), configs: [{ name: 'retention.ms', value: '4000' }] }
    ]
  })
  assert.deepEqual(
    [missingTopic.status, missingTopic.body],
    [404, { error_code: 40403, message: 'This server does not host this topic-partition.' }]
  )
  const missingName = await alter({ data: [{ topic_name: one, configs: [{ name: 'no.such.config', value: '1' }] }] })
  assert.deepEqual(
    [missingName.status, missingName.body],
    [404, { error_code: 404, message: `Config no.such.config cannot be found for TOPIC ${one} in cluster ${cid}.` }]
  )
  assert.deepEqual(await retention(), ['3000', '2000'])
  assert.deepEqual((await alter('')).body, emptyBody)
})

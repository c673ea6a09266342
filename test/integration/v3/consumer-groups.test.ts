// v3 consumer groups, consumers, assignments, lags and lag summary against real groups: members joined with the
// plain client's Consumer (classic and KIP-848 consumer protocol), offsets committed by those members, records
// produced so every lag is known exactly. Every body is validated against Confluent's OpenAPI file.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startProxy } from '../../helpers/app.ts'
import { eventually } from '../../helpers/eventually.ts'
import { commitAsAdmin, joinGroup } from '../../helpers/groups.ts'
import { clusterId, createTopic, produceRaw, uniqueName } from '../../helpers/kafka.ts'
import { assertMatchesServedSpec, assertMatchesSpec } from '../../helpers/openapi.ts'

const HOST = 'proxy.test:8082'
const base = `http://${HOST}/v3`
const G = '/clusters/{cluster_id}/consumer-groups'
const templates = {
  groups: G,
  group: `${G}/{consumer_group_id}`,
  consumers: `${G}/{consumer_group_id}/consumers`,
  consumer: `${G}/{consumer_group_id}/consumers/{consumer_id}`,
  assignments: `${G}/{consumer_group_id}/consumers/{consumer_id}/assignments`,
  assignment: `${G}/{consumer_group_id}/consumers/{consumer_id}/assignments/{topic_name}/partitions/{partition_id}`,
  lags: `${G}/{consumer_group_id}/lags`,
  lag: `${G}/{consumer_group_id}/lags/{topic_name}/partitions/{partition_id}`,
  summary: `${G}/{consumer_group_id}/lag-summary`
}

type App = Awaited<ReturnType<typeof startProxy>>

async function get(app: App, path: string, template: string) {
  const res = await app.inject({ url: `/v3${path}`, headers: { host: HOST } })
  assert.equal(res.headers['content-type'], 'application/json', path)
  const body = res.json()
  assertMatchesSpec('GET', template, res.statusCode, body)
  assertMatchesServedSpec('GET', template, res.statusCode, body)
  return { status: res.statusCode, body }
}

const notFound = (message = 'HTTP 404 Not Found') => ({ status: 404, body: { error_code: 404, message } })

// Records per partition, so that log end offsets are known: counts[i] records into partition i.
async function fill(topic: string, counts: number[]) {
  await produceRaw(
    topic,
    counts.flatMap((n, partition) => Array.from({ length: n }, (_, i) => ({ partition, value: Buffer.from(`${i}`) })))
  )
}

function groupView(cid: string, gid: string, fields: Record<string, unknown>) {
  const url = `${base}/clusters/${cid}/consumer-groups/${gid}`
  return {
    kind: 'KafkaConsumerGroup',
    metadata: { self: url, resource_name: `crn:///kafka=${cid}/consumer-group=${gid}` },
    cluster_id: cid,
    consumer_group_id: gid,
    ...fields,
    coordinator: { related: `${base}/clusters/${cid}/brokers/1` },
    consumers: { related: `${url}/consumers` },
    lag_summary: { related: `${url}/lag-summary` }
  }
}

function lagView(
  cid: string,
  gid: string,
  lag: Record<string, unknown> & { topic_name: string; partition_id: number }
) {
  return {
    kind: 'KafkaConsumerLag',
    metadata: {
      self: `${base}/clusters/${cid}/consumer-groups/${gid}/lags/${lag.topic_name}/partitions/${lag.partition_id}`,
      resource_name: `crn:///kafka=${cid}/consumer-group=${gid}/lag=${lag.topic_name}/partition=${lag.partition_id}`
    },
    cluster_id: cid,
    consumer_group_id: gid,
    ...lag
  }
}

test('classic group: group, consumers, assignments, lags and lag summary', async t => {
  const a = await createTopic(t, { partitions: 3, name: uniqueName('cg-a') })
  const b = await createTopic(t, { partitions: 1, name: uniqueName('cg-b') })
  await fill(a, [10, 5, 0])
  await fill(b, [3])
  const gid = uniqueName('classic')
  const member = await joinGroup(t, {
    groupId: gid,
    topics: [a],
    protocol: 'classic',
    clientId: 'cg-client',
    instanceId: 'static-1'
  })
  // B/0 is committed by the member but assigned to nobody: its lag has no owner.
  await member.commit([
    { topic: a, partition: 0, offset: 4 },
    { topic: a, partition: 1, offset: 5 },
    { topic: b, partition: 0, offset: 1 }
  ])
  const app = await startProxy(t)
  const cid = clusterId()
  const groupUrl = `/clusters/${cid}/consumer-groups/${gid}`

  const group = groupView(cid, gid, {
    is_simple: false,
    partition_assignor: 'roundrobin',
    state: 'STABLE',
    type: 'CLASSIC',
    is_mixed_consumer_group: false
  })
  await eventually(
    'the group to be stable',
    async () => (await get(app, groupUrl, templates.group)).body.state === 'STABLE'
  )
  assert.deepEqual(await get(app, groupUrl, templates.group), { status: 200, body: group })

  const list = await get(app, `/clusters/${cid}/consumer-groups`, templates.groups)
  assert.equal(list.status, 200)
  assert.equal(list.body.kind, 'KafkaConsumerGroupList')
  assert.deepEqual(list.body.metadata, { self: `${base}/clusters/${cid}/consumer-groups`, next: null })
  assert.deepEqual(
    list.body.data.find((g: { consumer_group_id: string }) => g.consumer_group_id === gid),
    group
  )
  const ids = list.body.data.map((g: { consumer_group_id: string }) => g.consumer_group_id) as string[]
  assert.deepEqual(ids, [...ids].sort())

  const consumerUrl = `${base}${groupUrl}/consumers/${member.memberId}`
  const consumer = {
    kind: 'KafkaConsumer',
    metadata: {
      self: consumerUrl,
      resource_name: `crn:///kafka=${cid}/consumer-group=${gid}/consumer=${member.memberId}`
    },
    cluster_id: cid,
    consumer_group_id: gid,
    consumer_id: member.memberId,
    instance_id: 'static-1',
    client_id: 'cg-client',
    assignments: { related: `${consumerUrl}/assignments` }
  }
  assert.deepEqual(await get(app, `${groupUrl}/consumers`, templates.consumers), {
    status: 200,
    body: {
      kind: 'KafkaConsumerList',
      metadata: { self: `${base}${groupUrl}/consumers`, next: null },
      data: [consumer]
    }
  })
  assert.deepEqual(await get(app, `${groupUrl}/consumers/${member.memberId}`, templates.consumer), {
    status: 200,
    body: consumer
  })
  assert.deepEqual(await get(app, `${groupUrl}/consumers/nobody`, templates.consumer), notFound())

  const assignment = (partition: number) => ({
    kind: 'KafkaConsumerAssignment',
    metadata: {
      self: `${consumerUrl}/assignments/${a}/partitions/${partition}`,
      resource_name: `crn:///kafka=${cid}/consumer-group=${gid}/consumer=${member.memberId}/assignment=${a}/partition=${partition}`
    },
    cluster_id: cid,
    consumer_group_id: gid,
    consumer_id: member.memberId,
    topic_name: a,
    partition_id: partition,
    partition: { related: `${base}/clusters/${cid}/topics/${a}/partitions/${partition}` },
    lag: { related: `${base}${groupUrl}/lags/${a}/partitions/${partition}` }
  })
  const assignmentsPath = `${groupUrl}/consumers/${member.memberId}/assignments`
  assert.deepEqual(await get(app, assignmentsPath, templates.assignments), {
    status: 200,
    body: {
      kind: 'KafkaConsumerAssignmentList',
      metadata: { self: `${consumerUrl}/assignments`, next: null },
      data: [assignment(0), assignment(1), assignment(2)]
    }
  })
  assert.deepEqual(await get(app, `${assignmentsPath}/${a}/partitions/1`, templates.assignment), {
    status: 200,
    body: assignment(1)
  })
  assert.deepEqual(await get(app, `${assignmentsPath}/${b}/partitions/0`, templates.assignment), notFound())
  assert.deepEqual(await get(app, `${assignmentsPath}/${a}/partitions/x`, templates.assignment), notFound())
  assert.deepEqual(
    await get(app, `${groupUrl}/consumers/nobody/assignments`, templates.assignments),
    notFound('Consumer nobody does not exist.')
  )

  const owned = { consumer_id: member.memberId, instance_id: 'static-1', client_id: 'cg-client' }
  const lagA0 = lagView(cid, gid, {
    topic_name: a,
    partition_id: 0,
    ...owned,
    current_offset: 4,
    log_end_offset: 10,
    lag: 6
  })
  const lagB0 = lagView(cid, gid, {
    topic_name: b,
    partition_id: 0,
    consumer_id: '',
    instance_id: null,
    client_id: '',
    current_offset: 1,
    log_end_offset: 3,
    lag: 2
  })
  const lagA1 = lagView(cid, gid, {
    topic_name: a,
    partition_id: 1,
    ...owned,
    current_offset: 5,
    log_end_offset: 5,
    lag: 0
  })
  assert.deepEqual(await get(app, `${groupUrl}/lags`, templates.lags), {
    status: 200,
    body: {
      kind: 'KafkaConsumerLagList',
      metadata: { self: `${base}${groupUrl}/lags`, next: null },
      data: [lagA0, lagB0, lagA1]
    }
  })
  assert.deepEqual(await get(app, `${groupUrl}/lags/${b}/partitions/0`, templates.lag), { status: 200, body: lagB0 })
  // A/2 has no committed offset, so no lag.
  assert.deepEqual(await get(app, `${groupUrl}/lags/${a}/partitions/2`, templates.lag), notFound())
  assert.deepEqual(await get(app, `${groupUrl}/lags/${a}/partitions/-x`, templates.lag), notFound())

  assert.deepEqual(await get(app, `${groupUrl}/lag-summary`, templates.summary), {
    status: 200,
    body: {
      kind: 'KafkaConsumerGroupLagSummary',
      metadata: {
        self: `${base}${groupUrl}/lag-summary`,
        resource_name: `crn:///kafka=${cid}/consumer-group=${gid}/lag-summary`
      },
      cluster_id: cid,
      consumer_group_id: gid,
      max_lag_consumer_id: member.memberId,
      max_lag_instance_id: 'static-1',
      max_lag_client_id: 'cg-client',
      max_lag_topic_name: a,
      max_lag_partition_id: 0,
      max_lag: 6,
      total_lag: 8,
      max_lag_consumer: { related: consumerUrl },
      max_lag_partition: { related: `${base}/clusters/${cid}/topics/${a}/partitions/0` }
    }
  })
})

test('consumer protocol (KIP-848) group with two members', async t => {
  const topic = await createTopic(t, { partitions: 4, name: uniqueName('cg-848') })
  await fill(topic, [7, 6, 5, 4])
  const gid = uniqueName('consumer')
  const first = await joinGroup(t, { groupId: gid, topics: [topic], protocol: 'consumer', clientId: 'c1' })
  const second = await joinGroup(t, { groupId: gid, topics: [topic], protocol: 'consumer', clientId: 'c2' })
  const app = await startProxy(t)
  const cid = clusterId()
  const groupUrl = `/clusters/${cid}/consumer-groups/${gid}`

  // Stable once the two members own disjoint halves (the uniform assignor).
  const owned = async () => {
    const consumers = (await get(app, `${groupUrl}/consumers`, templates.consumers)).body.data as {
      consumer_id: string
    }[]
    const byMember = new Map<string, number[]>()
    for (const c of consumers) {
      const { body } = await get(app, `${groupUrl}/consumers/${c.consumer_id}/assignments`, templates.assignments)
      byMember.set(
        c.consumer_id,
        body.data.map((x: { partition_id: number }) => x.partition_id)
      )
    }
    return byMember
  }
  await eventually('both members to own two partitions', async () => {
    const state = (await get(app, groupUrl, templates.group)).body.state
    const byMember = await owned()
    return state === 'STABLE' && byMember.size === 2 && [...byMember.values()].every(ps => ps.length === 2)
  })
  assert.deepEqual(await get(app, groupUrl, templates.group), {
    status: 200,
    body: groupView(cid, gid, {
      is_simple: false,
      partition_assignor: 'uniform',
      state: 'STABLE',
      type: 'CONSUMER',
      is_mixed_consumer_group: false
    })
  })
  const byMember = await owned()
  const memberIds = [first.memberId, second.memberId].sort()
  assert.deepEqual([...byMember.keys()], memberIds, 'consumers sorted by consumer_id')
  assert.deepEqual([...byMember.values()].flat().sort(), [0, 1, 2, 3])
  const clientOf = { [first.memberId]: 'c1', [second.memberId]: 'c2' }

  await first.commit([
    { topic, partition: 0, offset: 1 },
    { topic, partition: 1, offset: 1 },
    { topic, partition: 2, offset: 1 },
    { topic, partition: 3, offset: 1 }
  ])
  const ownerOf = (partition: number) => [...byMember].find(([, ps]) => ps.includes(partition))![0]
  const expected = [0, 1, 2, 3].map(partition => {
    const consumerId = ownerOf(partition)
    return lagView(cid, gid, {
      topic_name: topic,
      partition_id: partition,
      consumer_id: consumerId,
      instance_id: null,
      client_id: clientOf[consumerId],
      current_offset: 1,
      log_end_offset: 7 - partition,
      lag: 6 - partition
    })
  })
  assert.deepEqual((await get(app, `${groupUrl}/lags`, templates.lags)).body.data, expected)
  const summary = (await get(app, `${groupUrl}/lag-summary`, templates.summary)).body
  assert.equal(summary.max_lag_consumer_id, ownerOf(0))
  assert.equal(summary.max_lag_partition_id, 0)
  assert.equal(summary.max_lag, 6)
  assert.equal(summary.total_lag, 6 + 5 + 4 + 3)

  // Once both have left, the group is empty and its lags have no owner.
  await first.leave()
  await second.leave()
  await eventually(
    'the group to be empty',
    async () => (await get(app, groupUrl, templates.group)).body.state === 'EMPTY'
  )
  assert.deepEqual((await get(app, `${groupUrl}/consumers`, templates.consumers)).body.data, [])
  const after = (await get(app, `${groupUrl}/lags`, templates.lags)).body.data
  assert.deepEqual(
    after.map((l: { consumer_id: string; client_id: string; lag: number }) => [l.consumer_id, l.client_id, l.lag]),
    [
      ['', '', 6],
      ['', '', 5],
      ['', '', 4],
      ['', '', 3]
    ]
  )
})

test('simple group, unknown group, group without offsets, unknown cluster', async t => {
  const topic = await createTopic(t, { partitions: 2, name: uniqueName('cg-simple') })
  await fill(topic, [4, 0])
  const simple = uniqueName('simple')
  await commitAsAdmin(simple, [{ topic, partition: 0, offset: 3 }])
  const app = await startProxy(t)
  const cid = clusterId()

  assert.deepEqual(await get(app, `/clusters/${cid}/consumer-groups/${simple}`, templates.group), {
    status: 200,
    body: groupView(cid, simple, {
      is_simple: true,
      partition_assignor: '',
      state: 'EMPTY',
      type: 'CLASSIC',
      is_mixed_consumer_group: false
    })
  })
  assert.deepEqual(
    (await get(app, `/clusters/${cid}/consumer-groups/${simple}/consumers`, templates.consumers)).body.data,
    []
  )
  assert.deepEqual((await get(app, `/clusters/${cid}/consumer-groups/${simple}/lags`, templates.lags)).body.data, [
    lagView(cid, simple, {
      topic_name: topic,
      partition_id: 0,
      consumer_id: '',
      instance_id: null,
      client_id: '',
      current_offset: 3,
      log_end_offset: 4,
      lag: 1
    })
  ])
  const summary = (await get(app, `/clusters/${cid}/consumer-groups/${simple}/lag-summary`, templates.summary)).body
  assert.equal(summary.max_lag_consumer_id, '')
  assert.deepEqual(summary.max_lag_consumer, {
    related: `${base}/clusters/${cid}/consumer-groups/${simple}/consumers/`
  })

  const missing = uniqueName('missing')
  const m = `/clusters/${cid}/consumer-groups/${missing}`
  assert.deepEqual(await get(app, m, templates.group), notFound())
  const noGroup = notFound(`Consumer Group ${missing} does not exist.`)
  assert.deepEqual(await get(app, `${m}/consumers`, templates.consumers), noGroup)
  assert.deepEqual(await get(app, `${m}/consumers/x`, templates.consumer), noGroup)
  assert.deepEqual(await get(app, `${m}/consumers/x/assignments`, templates.assignments), noGroup)
  assert.deepEqual(await get(app, `${m}/consumers/x/assignments/${topic}/partitions/0`, templates.assignment), noGroup)
  const noLagGroup = notFound(`Consumer Group ${missing} could not be found.`)
  assert.deepEqual(await get(app, `${m}/lags`, templates.lags), noLagGroup)
  assert.deepEqual(await get(app, `${m}/lags/${topic}/partitions/0`, templates.lag), noLagGroup)
  assert.deepEqual(await get(app, `${m}/lag-summary`, templates.summary), noLagGroup)

  // A group with a member but no commit has no lags.
  const idle = uniqueName('idle')
  await joinGroup(t, { groupId: idle, topics: [topic], protocol: 'classic' })
  const noOffsets = notFound('Consumer group offsets could not be found.')
  assert.deepEqual(await get(app, `/clusters/${cid}/consumer-groups/${idle}/lags`, templates.lags), noOffsets)
  assert.deepEqual(await get(app, `/clusters/${cid}/consumer-groups/${idle}/lag-summary`, templates.summary), noOffsets)

  const wrong = notFound('Cluster nope could not be found.')
  for (const [path, template] of [
    ['/clusters/nope/consumer-groups', templates.groups],
    [`/clusters/nope/consumer-groups/${simple}`, templates.group],
    [`/clusters/nope/consumer-groups/${simple}/consumers`, templates.consumers],
    [`/clusters/nope/consumer-groups/${simple}/lags`, templates.lags],
    [`/clusters/nope/consumer-groups/${simple}/lag-summary`, templates.summary]
  ]) {
    assert.deepEqual(await get(app, path, template), wrong, path)
  }
})

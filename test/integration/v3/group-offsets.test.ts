// Our consumer group extensions: DELETE .../consumer-groups/{g} and POST .../consumer-groups/{g}/offsets:reset.
// Groups are real (members joined and committed with the client's Consumer, then left); every change is read
// back with the plain Admin (listGroups, listConsumerGroupOffsets). Bodies are validated against the document
// this proxy serves (Confluent's file has no such operations).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Admin } from '@platformatic/kafka'
import { startProxy } from '../../helpers/app.ts'
import { commitAsAdmin, committedOffsets, joinGroup, listGroupIds } from '../../helpers/groups.ts'
import { bootstrapServers, clusterId, createTopic, produceRaw, uniqueName } from '../../helpers/kafka.ts'
import { assertMatchesServedSpec } from '../../helpers/openapi.ts'

type App = Awaited<ReturnType<typeof startProxy>>

async function call(app: App, method: 'DELETE' | 'POST', path: string, payload?: unknown) {
  const res = await app.inject({
    method,
    url: `/v3${path}`,
    headers: payload === undefined ? {} : { 'content-type': 'application/json' },
    ...(payload === undefined ? {} : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) })
  })
  const body = res.body === '' ? undefined : res.json()
  if (body !== undefined) assert.equal(res.headers['content-type'], 'application/json')
  const template =
    method === 'DELETE'
      ? '/clusters/{cluster_id}/consumer-groups/{consumer_group_id}'
      : '/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/offsets:reset'
  assertMatchesServedSpec(method, template, res.statusCode, body)
  return { status: res.statusCode, body }
}

const error = (status: number, error_code: number, message: string) => ({ status, body: { error_code, message } })

// A group whose only member committed `offsets` and left: empty, with committed offsets.
async function emptyGroup(
  t: Parameters<typeof joinGroup>[0],
  topic: string,
  protocol: 'classic' | 'consumer',
  offsets: { partition: number; offset: number }[]
) {
  const groupId = uniqueName(`empty-${protocol}`)
  const member = await joinGroup(t, { groupId, topics: [topic], protocol })
  await member.commit(offsets.map(o => ({ topic, ...o })))
  await member.leave()
  return groupId
}

test('DELETE consumer group: empty 204, with members 409, unknown 404', async t => {
  const topic = await createTopic(t, { partitions: 2, name: uniqueName('del') })
  const app = await startProxy(t)
  const cid = clusterId()
  const path = (g: string) => `/clusters/${cid}/consumer-groups/${g}`

  for (const protocol of ['classic', 'consumer'] as const) {
    const active = uniqueName(`busy-${protocol}`)
    await joinGroup(t, { groupId: active, topics: [topic], protocol })
    assert.deepEqual(
      await call(app, 'DELETE', path(active)),
      error(
        409,
        40903,
        `Illegal state: Consumer group ${active} has 1 active member(s) (state STABLE); it can be deleted only while it is empty.`
      ),
      protocol
    )
    assert.ok((await listGroupIds()).includes(active))

    const empty = await emptyGroup(t, topic, protocol, [{ partition: 0, offset: 0 }])
    assert.deepEqual(await call(app, 'DELETE', path(empty)), { status: 204, body: undefined }, protocol)
    assert.ok(!(await listGroupIds()).includes(empty))
    assert.deepEqual(await committedOffsets(empty), {})
    assert.deepEqual(await call(app, 'DELETE', path(empty)), error(404, 404, `Consumer Group ${empty} does not exist.`))
  }

  const simple = uniqueName('simple')
  await commitAsAdmin(simple, [{ topic, partition: 1, offset: 0 }])
  assert.equal((await call(app, 'DELETE', path(simple))).status, 204)
  assert.ok(!(await listGroupIds()).includes(simple))

  assert.deepEqual(
    await call(app, 'DELETE', `/clusters/nope/consumer-groups/${simple}`),
    error(404, 404, 'Cluster nope could not be found.')
  )
})

test('offsets:reset to earliest, latest, an offset and a timestamp', async t => {
  const topic = await createTopic(t, { partitions: 3, name: uniqueName('reset') })
  // Partition 0: ten records stamped 1000, 2000, ... 10000 ms; partition 1: five; partition 2: none.
  await produceRaw(topic, [
    ...Array.from({ length: 10 }, (_, i) => ({
      partition: 0,
      value: Buffer.from(`${i}`),
      timestamp: BigInt((i + 1) * 1000)
    })),
    ...Array.from({ length: 5 }, (_, i) => ({ partition: 1, value: Buffer.from(`${i}`) }))
  ])
  // The log of partition 0 starts at 2, so "earliest" is not simply 0.
  const admin = new Admin({ clientId: 'test-reset', bootstrapBrokers: bootstrapServers().split(',') })
  await admin.deleteRecords({ topics: [{ name: topic, partitions: [{ partition: 0, offset: 2n }] }] })
  await admin.close()

  const gid = await emptyGroup(t, topic, 'classic', [
    { partition: 0, offset: 7 },
    { partition: 1, offset: 5 }
  ])
  const app = await startProxy(t)
  const cid = clusterId()
  const reset = `/clusters/${cid}/consumer-groups/${gid}/offsets:reset`
  const answer = (validateOnly: boolean, data: unknown[]) => ({
    status: 200,
    body: { cluster_id: cid, consumer_group_id: gid, validate_only: validateOnly, data }
  })

  // A partition entry overrides the topic-wide one, whatever the order.
  const request = {
    data: [
      { topic_name: topic, reset_to: 'LATEST' },
      { topic_name: topic, partition_id: 0, reset_to: 'EARLIEST' },
      { topic_name: topic, partition_id: 1, reset_to: 'OFFSET', offset: 3 }
    ]
  }
  const planned = [
    { topic_name: topic, partition_id: 0, previous_offset: 7, offset: 2 },
    { topic_name: topic, partition_id: 1, previous_offset: 5, offset: 3 },
    { topic_name: topic, partition_id: 2, previous_offset: null, offset: 0 }
  ]
  assert.deepEqual(await call(app, 'POST', reset, { ...request, validate_only: true }), answer(true, planned))
  assert.deepEqual(await committedOffsets(gid), { [`${topic}/0`]: 7, [`${topic}/1`]: 5 })

  assert.deepEqual(await call(app, 'POST', reset, request), answer(false, planned))
  assert.deepEqual(await committedOffsets(gid), { [`${topic}/0`]: 2, [`${topic}/1`]: 3, [`${topic}/2`]: 0 })

  // The first record at or after 4.5 s is offset 4 (stamped 5000); past the last record is the log end.
  assert.deepEqual(
    await call(app, 'POST', reset, {
      data: [
        { topic_name: topic, partition_id: 0, reset_to: 'TIMESTAMP', timestamp: '1970-01-01T00:00:04.500Z' },
        { topic_name: topic, partition_id: 1, reset_to: 'TIMESTAMP', timestamp: '2100-01-01T00:00:00Z' }
      ]
    }),
    answer(false, [
      { topic_name: topic, partition_id: 0, previous_offset: 2, offset: 4 },
      { topic_name: topic, partition_id: 1, previous_offset: 3, offset: 5 }
    ])
  )
  assert.deepEqual(await committedOffsets(gid), { [`${topic}/0`]: 4, [`${topic}/1`]: 5, [`${topic}/2`]: 0 })

  // The same for a consumer-protocol group.
  const kip848 = await emptyGroup(t, topic, 'consumer', [{ partition: 1, offset: 1 }])
  assert.deepEqual(
    await call(app, 'POST', `/clusters/${cid}/consumer-groups/${kip848}/offsets:reset`, {
      data: [{ topic_name: topic, partition_id: 1, reset_to: 'LATEST' }]
    }),
    {
      status: 200,
      body: {
        cluster_id: cid,
        consumer_group_id: kip848,
        validate_only: false,
        data: [{ topic_name: topic, partition_id: 1, previous_offset: 1, offset: 5 }]
      }
    }
  )
  assert.deepEqual(await committedOffsets(kip848), { [`${topic}/1`]: 5 })
})

test('offsets:reset refusals leave the offsets alone', async t => {
  const topic = await createTopic(t, { partitions: 2, name: uniqueName('refuse') })
  await produceRaw(topic, [
    { partition: 0, value: Buffer.from('a') },
    { partition: 0, value: Buffer.from('b') }
  ])
  const gid = await emptyGroup(t, topic, 'classic', [{ partition: 0, offset: 1 }])
  const app = await startProxy(t)
  const cid = clusterId()
  const reset = (g: string) => `/clusters/${cid}/consumer-groups/${g}/offsets:reset`
  const post = (payload: unknown, g = gid) => call(app, 'POST', reset(g), payload)
  const entry = (fields: Record<string, unknown>) => ({ data: [{ topic_name: topic, ...fields }] })
  const badRequest = (message: string) => error(400, 400, `Bad Request: ${message}`)

  assert.deepEqual(
    await post(entry({ partition_id: 0, reset_to: 'OFFSET', offset: 3 })),
    badRequest(`offset 3 is out of range for partition 0 of topic ${topic} (earliest 0, latest 2)`)
  )
  assert.deepEqual(
    await post({ data: [{ topic_name: uniqueName('nope'), reset_to: 'EARLIEST' }] }),
    error(404, 40403, 'This server does not host this topic-partition.')
  )
  assert.deepEqual(
    await post(entry({ partition_id: 7, reset_to: 'EARLIEST' })),
    error(404, 40402, 'Partition not found.')
  )
  assert.deepEqual(
    await post({ data: [entry({ reset_to: 'EARLIEST' }).data[0], entry({ reset_to: 'LATEST' }).data[0]] }),
    badRequest(`topic ${topic} is named twice without partition_id`)
  )
  assert.deepEqual(
    await post(entry({ reset_to: 'SOMEWHERE' })),
    badRequest('data[0].reset_to must be one of EARLIEST, LATEST, TIMESTAMP, OFFSET')
  )
  assert.deepEqual(
    await post(entry({ reset_to: 'OFFSET' })),
    badRequest('data[0].offset must be a non-negative integer')
  )
  assert.deepEqual(
    await post(entry({ reset_to: 'TIMESTAMP', timestamp: 'yesterday' })),
    badRequest('data[0].timestamp must be an ISO-8601 date-time')
  )
  assert.deepEqual(
    await post(entry({ reset_to: 'LATEST', offset: 1 })),
    badRequest('data[0].offset is not allowed with reset_to LATEST')
  )
  assert.deepEqual(await post({ data: [], colour: 'red' }), error(422, 422, 'Unrecognized field: colour'))
  assert.deepEqual(
    await post({ data: [] }),
    error(422, 42206, 'Payload error. Empty input provided. Data is required.')
  )
  assert.deepEqual(await post(''), error(422, 42206, 'Payload error. Null input provided. Data is required.'))

  const missing = uniqueName('missing')
  assert.deepEqual(
    await post(entry({ reset_to: 'EARLIEST' }), missing),
    error(404, 404, `Consumer Group ${missing} does not exist.`)
  )
  assert.ok(!(await listGroupIds()).includes(missing), 'a reset never creates a group')

  const active = uniqueName('active')
  const member = await joinGroup(t, { groupId: active, topics: [topic], protocol: 'consumer' })
  await member.commit([{ topic, partition: 0, offset: 2 }])
  assert.deepEqual(
    await post(entry({ reset_to: 'EARLIEST' }), active),
    error(
      409,
      40903,
      `Illegal state: Consumer group ${active} has 1 active member(s) (state STABLE); its offsets can be reset only while it is empty.`
    )
  )
  assert.deepEqual(await committedOffsets(active), { [`${topic}/0`]: 2 })
  assert.deepEqual(await committedOffsets(gid), { [`${topic}/0`]: 1 })
})

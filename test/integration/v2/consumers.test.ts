// v2 consumer instances against the real broker: creation rules, unknown instances, manual assignment and
// seeking, exact record bodies, and commits checked in Kafka (reads: consumer-reads.test.ts).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startProxy } from '../../helpers/app.ts'
import {
  b64,
  BINARY,
  byPosition,
  call,
  createConsumer,
  groupOffsets,
  instancePath,
  JSON_V2,
  type Method,
  post204,
  read,
  readN,
  readRecords,
  type RestRecord,
  sleep,
  V2
} from '../../helpers/consumers.ts'
import { createTopic, produceRaw, uniqueName } from '../../helpers/kafka.ts'

const notFound = { error_code: 40403, message: 'Consumer instance not found.' }
// One record object of a plain (no record.metadata) binary read, in upstream's field order.
const binaryRecord =
  /\{"topic":"[^"]+","key":(null|"[A-Za-z0-9+/=]*"),"value":(null|"[A-Za-z0-9+/=]*"),"partition":\d+,"offset":\d+\}/
const binaryBody = new RegExp(`^\\[(${binaryRecord.source}(,${binaryRecord.source})*)?\\]$`)

test('create: generated names, base_uri, and the creation errors', async t => {
  const app = await startProxy(t)
  const group = uniqueName('g-create')

  const generated = await call(app, 'POST', `/consumers/${group}`, {})
  assert.equal(generated.statusCode, 200)
  assert.equal(generated.headers['content-type'], V2)
  const { instance_id: id, base_uri: baseUri, ...rest } = generated.json()
  assert.deepEqual(rest, {})
  assert.match(id, /^rest-consumer-[0-9a-f-]{36}$/)
  assert.equal(baseUri, `http://localhost:80/consumers/${group}/instances/${id}`)
  // An empty body means all defaults too.
  const noBody = await call(app, 'POST', `/consumers/${group}`)
  assert.equal(noBody.statusCode, 200)
  assert.match(noBody.json().instance_id, /^rest-consumer-[0-9a-f-]{36}$/)

  const named = await call(app, 'POST', `/consumers/${group}`, { name: 'c1', format: 'binary' })
  assert.equal(named.statusCode, 200)
  assert.deepEqual(named.json(), {
    instance_id: 'c1',
    base_uri: `http://localhost:80/consumers/${group}/instances/c1`
  })

  const cases: [object, number, object | RegExp][] = [
    [
      { name: 'c1' },
      409,
      {
        error_code: 40902,
        message: 'Consumer with specified consumer ID already exists in the specified consumer group.'
      }
    ],
    [{ name: 'c2', format: 'avro2' }, 422, { error_code: 422, message: 'Invalid format type.' }],
    [
      { name: 'c3', 'auto.offset.reset': 'bad' },
      422,
      /^\{"error_code":42204,"message":"Invalid consumer configuration: /
    ],
    [
      { name: 'c4', 'fetch.min.bytes': 20000000 },
      422,
      /^\{"error_code":40001,"message":"Invalid consumer configuration/
    ],
    [{ name: 'c5', x: 1 }, 422, { error_code: 422, message: 'Unrecognized field: x' }]
  ]
  for (const [body, status, expected] of cases) {
    const res = await call(app, 'POST', `/consumers/${group}`, body)
    assert.equal(res.statusCode, status, JSON.stringify(body))
    assert.equal(res.headers['content-type'], V2)
    if (expected instanceof RegExp) assert.match(res.body, expected, JSON.stringify(body))
    else assert.deepEqual(res.json(), expected, JSON.stringify(body))
  }
  // The refused ones were not created: their names are free.
  for (const name of ['c2', 'c3', 'c4', 'c5']) {
    assert.equal((await call(app, 'GET', `${instancePath(group, name)}/subscription`)).statusCode, 404, name)
  }
})

test('create: advertised.listeners sets base_uri; consumer.instances.max caps instances with 429', async t => {
  const app = await startProxy(t, {
    'advertised.listeners': 'http://proxy.example:9999',
    'consumer.instances.max': '1'
  })
  const group = uniqueName('g-advertised')
  const first = await call(app, 'POST', `/consumers/${group}`, { name: 'a' })
  assert.equal(first.statusCode, 200)
  assert.deepEqual(first.json(), {
    instance_id: 'a',
    base_uri: `http://proxy.example:9999/consumers/${group}/instances/a`
  })
  const second = await call(app, 'POST', `/consumers/${group}`, { name: 'b' })
  assert.equal(second.statusCode, 429)
  assert.equal(second.headers['content-type'], V2)
  assert.equal(second.json().error_code, 429)
  // Deleting one makes room again.
  assert.equal((await call(app, 'DELETE', instancePath(group, 'a'))).statusCode, 204)
  assert.equal((await call(app, 'POST', `/consumers/${group}`, { name: 'b' })).statusCode, 200)
})

test('every instance endpoint answers 404/40403 for an unknown instance', async t => {
  const app = await startProxy(t)
  const topic = await createTopic(t)
  const group = uniqueName('g-unknown')
  // A known group with an unknown instance, and an unknown group.
  await createConsumer(app, group, { name: 'known' })
  const partitions = { partitions: [{ topic, partition: 0 }] }
  for (const path of [instancePath(group, 'missing'), instancePath(uniqueName('g-none'), 'known')]) {
    const calls: [Method, string, unknown][] = [
      ['GET', '/subscription', undefined],
      ['POST', '/subscription', { topics: [topic] }],
      ['DELETE', '/subscription', undefined],
      ['GET', '/assignments', undefined],
      ['POST', '/assignments', partitions],
      ['POST', '/positions', { offsets: [{ topic, partition: 0, offset: 1 }] }],
      ['POST', '/positions/beginning', partitions],
      ['POST', '/positions/end', partitions],
      ['POST', '/offsets', { offsets: [{ topic, partition: 0, offset: 1 }] }],
      ['POST', '/offsets', undefined],
      ['GET', '/offsets', partitions],
      ['GET', '/offsets', undefined],
      ['DELETE', '', undefined]
    ]
    for (const [method, suffix, body] of calls) {
      const what = `${method} ${path}${suffix} ${JSON.stringify(body)}`
      const res = await call(app, method, `${path}${suffix}`, body)
      assert.equal(res.statusCode, 404, what)
      assert.equal(res.headers['content-type'], V2, what)
      assert.deepEqual(res.json(), notFound, what)
    }
    for (const accept of [BINARY, JSON_V2, V2]) {
      const res = await readRecords(app, path, { timeout: 100 }, accept)
      assert.equal(res.statusCode, 404, accept)
      assert.equal(res.headers['content-type'], accept, accept)
      assert.deepEqual(res.json(), notFound, accept)
    }
  }
})

test('manual assignment: exact binary records, seeks by offset, timestamp and edges, and the 409s', async t => {
  const topic = await createTopic(t, { partitions: 2 })
  const app = await startProxy(t)
  const group = uniqueName('g-assign')
  await produceRaw(topic, [
    { key: Buffer.from('k0'), value: Buffer.from('v0'), partition: 0 },
    { value: Buffer.from('v1'), partition: 0 },
    { key: Buffer.from([0, 255, 1]), value: Buffer.from('v2'), partition: 0 },
    { key: Buffer.from('k3'), partition: 0 }
  ])
  await produceRaw(topic, [
    { key: Buffer.from('p1k0'), value: Buffer.from('p1v0'), partition: 1 },
    { value: Buffer.alloc(0), partition: 1 }
  ])
  const c = await createConsumer(app, group, { name: 'c', format: 'binary', 'auto.commit.enable': 'false' })
  const both = { partitions: [0, 1].map(partition => ({ topic, partition })) }
  await post204(app, `${c}/assignments`, both)
  await post204(app, `${c}/positions/beginning`, both)

  const assignments = await call(app, 'GET', `${c}/assignments`)
  assert.equal(assignments.statusCode, 200)
  assert.equal(assignments.headers['content-type'], V2)
  assert.deepEqual(
    assignments
      .json()
      .partitions.sort((a: { partition: number }, b: { partition: number }) => a.partition - b.partition),
    both.partitions
  )

  // Read until all six are there, checking every body's exact text shape.
  const deadline = Date.now() + 15000
  const records: RestRecord[] = []
  while (records.length < 6 && Date.now() < deadline) {
    const res = await readRecords(app, c, { timeout: 500 })
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['content-type'], BINARY)
    assert.match(res.body, binaryBody)
    for (const r of res.json()) assert.deepEqual(Object.keys(r), ['topic', 'key', 'value', 'partition', 'offset'])
    records.push(...res.json())
  }
  assert.deepEqual(records.sort(byPosition), [
    { topic, key: b64('k0'), value: b64('v0'), partition: 0, offset: 0 },
    { topic, key: null, value: b64('v1'), partition: 0, offset: 1 },
    { topic, key: b64(Buffer.from([0, 255, 1])), value: b64('v2'), partition: 0, offset: 2 },
    { topic, key: b64('k3'), value: null, partition: 0, offset: 3 },
    { topic, key: b64('p1k0'), value: b64('p1v0'), partition: 1, offset: 0 },
    { topic, key: null, value: '', partition: 1, offset: 1 }
  ])
  assert.deepEqual(await read(app, c, { timeout: 200 }), [], 'nothing more')

  // Seek partition 0 back to offset 2: the read starts there.
  await post204(app, `${c}/positions`, { offsets: [{ topic, partition: 0, offset: 2 }] })
  assert.deepEqual(
    (await readN(app, c, 2)).map(r => [r.partition, r.offset]),
    [
      [0, 2],
      [0, 3]
    ]
  )

  // Seek by timestamp: a time between two batches on partition 1 → the later batch.
  await produceRaw(topic, [
    { value: Buffer.from('early-a'), partition: 1 },
    { value: Buffer.from('early-b'), partition: 1 }
  ])
  await sleep(50)
  const between = new Date()
  await sleep(50)
  await produceRaw(topic, [
    { value: Buffer.from('late-a'), partition: 1 },
    { value: Buffer.from('late-b'), partition: 1 }
  ])
  await post204(app, `${c}/positions`, {
    timestamps: [{ topic, partition: 1, timestamp: between.toISOString() }]
  })
  assert.deepEqual(await readN(app, c, 2), [
    { topic, key: null, value: b64('late-a'), partition: 1, offset: 4 },
    { topic, key: null, value: b64('late-b'), partition: 1, offset: 5 }
  ])

  // Back to the beginning of partition 1 only, then to the end of both: only later records are read.
  await post204(app, `${c}/positions/beginning`, { partitions: [{ topic, partition: 1 }] })
  assert.equal((await readN(app, c, 6)).filter(r => r.partition === 1).length, 6)
  // A timestamp after the last record: the end of the partition, where the next record will be.
  await post204(app, `${c}/positions/beginning`, { partitions: [{ topic, partition: 1 }] })
  await post204(app, `${c}/positions`, {
    timestamps: [{ topic, partition: 1, timestamp: '2100-01-01T00:00:00Z' }]
  })
  assert.deepEqual(await read(app, c, { timeout: 300 }), [])
  await post204(app, `${c}/positions/end`, both)
  await produceRaw(topic, [
    { value: Buffer.from('new-0'), partition: 0 },
    { value: Buffer.from('new-1'), partition: 1 }
  ])
  assert.deepEqual((await readN(app, c, 2)).sort(byPosition), [
    { topic, key: null, value: b64('new-0'), partition: 0, offset: 4 },
    { topic, key: null, value: b64('new-1'), partition: 1, offset: 6 }
  ])
  assert.deepEqual(await read(app, c, { timeout: 200 }), [])

  // Seeking a partition that is not assigned, and subscribing while assigned: 409/40903.
  for (const [suffix, body] of [
    ['/positions', { offsets: [{ topic, partition: 7, offset: 0 }] }],
    ['/positions', { timestamps: [{ topic, partition: 7, timestamp: between.toISOString() }] }],
    ['/positions/beginning', { partitions: [{ topic, partition: 7 }] }],
    ['/positions/end', { partitions: [{ topic, partition: 7 }] }]
  ] as const) {
    const res = await call(app, 'POST', `${c}${suffix}`, body)
    assert.equal(res.statusCode, 409, suffix)
    assert.equal(res.headers['content-type'], V2)
    assert.equal(res.json().error_code, 40903)
    assert.match(res.json().message, /^Illegal state: /)
  }
  const subscribe = await call(app, 'POST', `${c}/subscription`, { topics: [topic] })
  assert.equal(subscribe.statusCode, 409)
  assert.deepEqual(subscribe.json(), {
    error_code: 40903,
    message: 'Illegal state: Subscription to topics, partitions and pattern are mutually exclusive'
  })
  // A refused seek moved nothing.
  assert.deepEqual(await read(app, c, { timeout: 200 }), [])
})

test('commit: explicit offsets (+1, metadata), committed offsets GET, commit of what was read', async t => {
  const topic = await createTopic(t, { partitions: 2 })
  const app = await startProxy(t)
  const group = uniqueName('g-commit')
  await produceRaw(
    topic,
    [0, 1, 2, 3, 4, 5, 6].map(i => ({ value: Buffer.from(`p0-${i}`), partition: 0 }))
  )
  await produceRaw(
    topic,
    [0, 1, 2].map(i => ({ value: Buffer.from(`p1-${i}`), partition: 1 }))
  )
  const c = await createConsumer(app, group, {
    name: 'c',
    'auto.offset.reset': 'earliest',
    'auto.commit.enable': 'false'
  })
  const both = { partitions: [0, 1].map(partition => ({ topic, partition })) }
  await post204(app, `${c}/assignments`, both)

  const commit = await call(app, 'POST', `${c}/offsets`, {
    offsets: [{ topic, partition: 0, offset: 4, metadata: 'm' }]
  })
  assert.equal(commit.statusCode, 200)
  assert.equal(commit.headers['content-type'], V2)
  assert.equal(commit.body, '[]')

  const getOffsets = () => call(app, 'GET', `${c}/offsets`, both)
  const committed = await getOffsets()
  assert.equal(committed.statusCode, 200)
  assert.equal(committed.headers['content-type'], V2)
  // Partition 1 was never committed: left out.
  assert.deepEqual(committed.json(), { offsets: [{ topic, partition: 0, offset: 5, metadata: 'm' }] })
  assert.deepEqual(await groupOffsets(group), new Map([[`${topic}/0`, 5n]]))

  const noBody = await call(app, 'GET', `${c}/offsets`)
  assert.equal(noBody.statusCode, 404)
  assert.equal(noBody.headers['content-type'], V2)
  assert.deepEqual(noBody.json(), { error_code: 40402, message: 'Partition not found.' })

  // Partition 0 starts at the committed offset (5); partition 1 (no commit) from the beginning.
  const records = (await readN(app, c, 5)).sort(byPosition)
  assert.deepEqual(
    records.map(r => [r.partition, r.offset]),
    [
      [0, 5],
      [0, 6],
      [1, 0],
      [1, 1],
      [1, 2]
    ]
  )
  // Without a body: the position after what was read, for every partition read.
  const all = await call(app, 'POST', `${c}/offsets`)
  assert.equal(all.statusCode, 200)
  assert.equal(all.body, '[]')
  assert.deepEqual(
    await groupOffsets(group),
    new Map([
      [`${topic}/0`, 7n],
      [`${topic}/1`, 3n]
    ])
  )
  const after = await getOffsets()
  assert.deepEqual(
    after.json().offsets.sort((a: { partition: number }, b: { partition: number }) => a.partition - b.partition),
    [
      { topic, partition: 0, offset: 7, metadata: '' },
      { topic, partition: 1, offset: 3, metadata: '' }
    ]
  )

  // A partial read: commit position = the offset after the last record handed out.
  await post204(app, `${c}/assignments`, { partitions: [{ topic, partition: 0 }] })
  await post204(app, `${c}/positions`, { offsets: [{ topic, partition: 0, offset: 1 }] })
  const partial = await read(app, c, { timeout: 5000, max_bytes: 8 })
  assert.deepEqual(
    partial.map(r => r.offset),
    [1, 2]
  )
  assert.equal((await call(app, 'POST', `${c}/offsets`)).statusCode, 200)
  assert.equal((await groupOffsets(group)).get(`${topic}/0`), 3n)
})

// v3 produce against the real broker, over real HTTP: streaming (full duplex, ordered CRLF reports), batch,
// limits, and the bytes, headers, timestamps and partitions that reached Kafka.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { request } from 'node:http'
import { test, type TestContext } from 'node:test'
import { murmur2 } from '../../../src/kafka/murmur2.ts'
import { startProxy } from '../../helpers/app.ts'
import { bootstrapServers, consumeAll, createTopic, uniqueName } from '../../helpers/kafka.ts'
import { assertMatchesServedSpec, assertMatchesSpec } from '../../helpers/openapi.ts'

const b64 = (s: string) => Buffer.from(s).toString('base64')

const RECORDS = '/clusters/{cluster_id}/topics/{topic_name}/records'

async function listen(t: TestContext, overrides: Record<string, string> = {}) {
  const app = await startProxy(t, overrides)
  await app.listen({ port: 0, host: '127.0.0.1' })
  return (app.server.address() as { port: number }).port
}

// Sends `chunks` one after another, each only after the previous chunk's reports arrived (when `duplex`),
// and returns the status and the reports as parsed lines.
function stream(port: number, topic: string, chunks: { body: string; expect: number }[]) {
  return new Promise<{ status: number; type: string | undefined; raw: string; reports: Record<string, unknown>[] }>(
    (resolve, reject) => {
      const req = request({
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: `/v3/clusters/any-cluster/topics/${topic}/records`,
        headers: { 'content-type': 'application/json' }
      })
      req.on('error', reject)
      let index = 0
      let raw = ''
      let received = 0
      const sendNext = () => {
        const chunk = chunks[index++]
        if (!chunk) return req.end()
        req.write(chunk.body)
      }
      req.on('response', res => {
        res.setEncoding('utf8')
        res.on('data', (d: string) => {
          raw += d
          const lines = raw.split('\r\n').length - 1
          // Full duplex: the next chunk is only sent once the reports for this one came back.
          while (index > 0 && index <= chunks.length && lines >= received + chunks[index - 1].expect) {
            received += chunks[index - 1].expect
            sendNext()
          }
        })
        res.on('end', () => {
          try {
            const reports = raw
              .split('\r\n')
              .filter(l => l.length > 0)
              .map(l => JSON.parse(l) as Record<string, unknown>)
            // Each report (or the one error body of a refused request) against both documents.
            for (const report of res.statusCode === 200 ? reports : [JSON.parse(raw)]) {
              assertMatchesSpec('POST', RECORDS, res.statusCode!, report)
              assertMatchesServedSpec('POST', RECORDS, res.statusCode!, report)
            }
            resolve({ status: res.statusCode!, type: res.headers['content-type'], raw, reports })
          } catch (error: unknown) {
            reject(error instanceof Error ? error : new Error(String(error)))
          }
        })
      })
      sendNext()
    }
  )
}

test('streaming: full duplex, one report per record in order, exact fields, bytes in Kafka', async t => {
  const topic = await createTopic(t, { partitions: 3 })
  const port = await listen(t)
  const before = Date.now()
  const result = await stream(port, topic, [
    { body: JSON.stringify({ partition_id: 0, value: { type: 'STRING', data: 'first' } }), expect: 1 },
    {
      body:
        JSON.stringify({
          partition_id: 2,
          key: { type: 'JSON', data: 'k' },
          value: { type: 'BINARY', data: b64('\x00bin') },
          headers: [{ name: 'h', value: b64('1') }, { name: 'h' }, { name: 'other', value: b64('x') }],
          timestamp: '2021-02-05T19:14:42.123Z'
        }) + '\n',
      expect: 1
    },
    { body: '{"value":{"type":"JSON","data":{"n":[1,2]}}}{"key":{"type":"STRING","data":""}}', expect: 2 }
  ])
  assert.equal(result.status, 200)
  assert.equal(result.type, 'application/json')
  assert.ok(result.raw.endsWith('\r\n'))
  const [r0, r1, r2, r3] = result.reports
  const common = { error_code: 200, cluster_id: 'any-cluster', topic_name: topic }
  assert.deepEqual(
    { ...r0, timestamp: 0 },
    { ...common, partition_id: 0, offset: 0, timestamp: 0, value: { type: 'STRING', size: 5 } }
  )
  assert.ok(Date.parse(r0.timestamp as string) >= before - 1000)
  assert.deepEqual(r1, {
    ...common,
    partition_id: 2,
    offset: 0,
    timestamp: '2021-02-05T19:14:42.123Z',
    key: { type: 'JSON', size: 3 },
    value: { type: 'BINARY', size: 4 }
  })
  assert.deepEqual(Object.keys(r2), [
    'error_code',
    'cluster_id',
    'topic_name',
    'partition_id',
    'offset',
    'timestamp',
    'value'
  ])
  assert.deepEqual(r3.key, { type: 'STRING', size: 0 })
  assert.equal(r3.value, undefined)
  assert.equal(r3.partition_id, (murmur2(Buffer.alloc(0)) & 0x7fffffff) % 3)

  const messages = await consumeAll(topic, 4)
  const keyed = messages.find(m => m.partition === 2 && m.offset === 0n)!
  assert.equal(keyed.key.toString(), '"k"')
  assert.deepEqual(keyed.value, Buffer.from('\x00bin'))
  assert.equal(keyed.timestamp, 1612552482123n)
  assert.deepEqual(
    [...keyed.headers].map(([k, v]) => [k.toString(), v === undefined || v === null ? null : v.toString()]),
    [
      ['h', '1'],
      ['h', null],
      ['other', 'x']
    ]
  )
  const json = messages.find(m => m.value?.toString() === '{"n":[1,2]}')
  assert.ok(json, 'the JSON value is stored as compact JSON text')
  const empty = messages.find(m => m.key?.length === 0)!
  assert.equal(empty.value, undefined)
})

test('streaming: per-record errors, then malformed JSON ends the stream after one 400 report', async t => {
  const topic = await createTopic(t, { partitions: 2 })
  const port = await listen(t)
  const result = await stream(port, topic, [
    {
      body: [
        '{"records":[]}',
        '{"value":{"type":"BINARY","data":1}}',
        '{"value":{"type":"BINARY","data":"%%"}}',
        '{"value":{"type":"AVRO","data":{}}}',
        '{"value":{"type":"STRING","data":"x","schema_id":1}}',
        '{"partition_id":5,"value":{"type":"STRING","data":"x"}}',
        '{"partition_id":-1}',
        '{"value":{"type":"STRING","data":"ok"}}',
        '{"value":{"type":"STRING","data":"nulls","subject":null,"schema_id":null}}',
        '{"value": nope}',
        '{"value":{"type":"STRING","data":"never"}}'
      ].join(''),
      expect: 10
    }
  ])
  assert.equal(result.status, 200)
  assert.deepEqual(
    result.reports.map(r => [r.error_code, r.message]),
    [
      [400, 'Unrecognized field: records'],
      [400, 'Bad Request: data=1 is not a base64 string.'],
      [400, 'Bad Request: data=%% is not a valid base64 string.'],
      [422, 'Error: 42206 : Payload error. Schema Registry must be configured when using schemas.'],
      [400, 'Bad Request: schema_id cannot be used with type STRING'],
      [40402, 'Partition not found.'],
      [40402, 'Partition not found.'],
      [200, undefined],
      [200, undefined],
      [400, result.reports[9].message]
    ]
  )
  assert.match(result.reports[9].message as string, /JSON/)
  const messages = await consumeAll(topic, 2)
  assert.deepEqual(messages.map(m => m.value.toString()).sort(), ['nulls', 'ok'])
})

test('streaming: empty body is 422; an unknown topic fails per record with 40401', async t => {
  const port = await listen(t)
  const empty = await stream(port, uniqueName('t'), [])
  assert.equal(empty.status, 422)
  assert.deepEqual(JSON.parse(empty.raw), {
    error_code: 422,
    message: 'Payload error. Request body is empty. Data is required.'
  })

  const missing = uniqueName('missing')
  const result = await stream(port, missing, [{ body: '{"value":{"type":"STRING","data":"x"}}', expect: 1 }])
  assert.equal(result.status, 200)
  assert.deepEqual(result.reports, [
    { error_code: 40401, message: `Topic ${missing} not present in metadata after 5000 ms.` }
  ])
})

test('streaming: a record over the size limit ends the stream with a 400 report', async t => {
  const topic = await createTopic(t)
  const port = await listen(t, { 'api.v3.produce.request.size.limit.max.bytes': '200' })
  const small = '{"value":{"type":"STRING","data":"small"}}'
  const big = JSON.stringify({ value: { type: 'STRING', data: 'x'.repeat(500) } })
  const result = await stream(port, topic, [{ body: small + big + small, expect: 2 }])
  assert.deepEqual(
    result.reports.map(r => [r.error_code, r.message]),
    [
      [200, undefined],
      [400, 'Produce request size is larger than allowed threshold']
    ]
  )
})

test('a record larger than the broker accepts is 413 and costs only itself', async t => {
  const topic = await createTopic(t, { configs: { 'max.message.bytes': '2000' } })
  const port = await listen(t)
  const big = JSON.stringify({ value: { type: 'STRING', data: 'x'.repeat(5000) } })
  const ok = '{"value":{"type":"STRING","data":"fine"}}'
  const result = await stream(port, topic, [
    { body: big, expect: 1 },
    { body: ok, expect: 1 }
  ])
  assert.equal(result.reports[0].error_code, 413)
  assert.equal(result.reports[1].error_code, 200)
  const messages = await consumeAll(topic, 1)
  assert.deepEqual(
    messages.map(m => m.value.toString()),
    ['fine']
  )
})

test('batch: 207 with successes and failures in order; whole-request problems are 422/42208', async t => {
  const topic = await createTopic(t, { partitions: 2 })
  const app = await startProxy(t)
  const url = `/v3/clusters/c1/topics/${topic}/records:batch`
  const post = async (payload: unknown) => {
    const res = await app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(payload)
    })
    assertMatchesSpec('POST', `${RECORDS}:batch`, res.statusCode, res.json())
    assertMatchesServedSpec('POST', `${RECORDS}:batch`, res.statusCode, res.json())
    return res
  }
  const res = await post({
    entries: [
      { id: 'a', partition_id: 1, value: { type: 'STRING', data: 'one' } },
      { id: 'b', value: { type: 'BINARY', data: 1 } },
      { id: 'c', partition_id: 1, key: { type: 'STRING', data: 'k' }, value: { type: 'JSON', data: [1] } }
    ]
  })
  assert.equal(res.statusCode, 207)
  const body = res.json()
  assert.deepEqual(
    body.successes.map((s: Record<string, unknown>) => ({ ...s, timestamp: typeof s.timestamp })),
    [
      {
        id: 'a',
        cluster_id: 'c1',
        topic_name: topic,
        partition_id: 1,
        offset: 0,
        timestamp: 'string',
        value: { type: 'STRING', size: 3 }
      },
      {
        id: 'c',
        cluster_id: 'c1',
        topic_name: topic,
        partition_id: 1,
        offset: 1,
        timestamp: 'string',
        key: { type: 'STRING', size: 1 },
        value: { type: 'JSON', size: 3 }
      }
    ]
  )
  assert.deepEqual(body.failures, [
    { id: 'b', error_code: 400, message: 'Bad Request: data=1 is not a base64 string.' }
  ])

  const cases: [unknown, number, unknown][] = [
    [{ entries: [] }, 422, { error_code: 42208, message: 'Empty batch.' }],
    [{ entries: [{ id: 'x' }, { id: 'x' }] }, 422, { error_code: 42208, message: 'Batch entry IDs are not distinct.' }],
    [
      { entries: Array.from({ length: 11 }, (_, i) => ({ id: `e${i}` })) },
      422,
      { error_code: 42208, message: 'Too many entries in batch.' }
    ],
    [
      { entries: [{ id: 'no spaces' }] },
      422,
      { error_code: 42208, message: 'Batch entry identifier is not a valid string.' }
    ],
    [{ entries: [{ id: 7 }] }, 422, { error_code: 42208, message: 'Batch entry identifier is not a valid string.' }],
    [{ records: [] }, 422, { error_code: 422, message: 'Unrecognized field: records' }]
  ]
  for (const [payload, status, expected] of cases) {
    const r = await post(payload)
    assert.equal(r.statusCode, status, JSON.stringify(payload))
    assert.deepEqual(r.json(), expected, JSON.stringify(payload))
  }
  const none = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' } })
  assert.deepEqual(none.json(), { error_code: 42208, message: 'Request body is empty. Data is required.' })
  const messages = await consumeAll(topic, 2)
  assert.deepEqual(messages.map(m => m.value.toString()).sort(), ['[1]', 'one'])
})

test('keyed placement matches an independent client (kcat, murmur2)', async t => {
  let hasKcat = true
  try {
    execFileSync('kcat', ['-V'], { stdio: 'ignore' })
  } catch {
    hasKcat = false
  }
  if (!hasKcat && !process.env.CI) return t.skip('kcat is not installed (apt-get install kcat)')
  const proxyTopic = await createTopic(t, { partitions: 7 })
  const kcatTopic = await createTopic(t, { partitions: 7 })
  const port = await listen(t)
  const keys = Array.from({ length: 40 }, (_, i) => `key-${i}-${'x'.repeat(i % 9)}`)
  const result = await stream(port, proxyTopic, [
    {
      body: keys
        .map(k => JSON.stringify({ key: { type: 'STRING', data: k }, value: { type: 'STRING', data: k } }))
        .join(''),
      expect: keys.length
    }
  ])
  assert.ok(result.reports.every(r => r.error_code === 200))
  execFileSync(
    'kcat',
    ['-b', bootstrapServers(), '-P', '-t', kcatTopic, '-K', ':', '-X', 'partitioner=murmur2_random'],
    {
      input: keys.map(k => `${k}:${k}`).join('\n') + '\n'
    }
  )
  const byKcat = new Map((await consumeAll(kcatTopic, keys.length)).map(m => [m.key.toString(), m.partition]))
  const byProxy = new Map(keys.map((k, i) => [k, result.reports[i].partition_id]))
  assert.deepEqual(byProxy, byKcat)
})

test('streaming: 5000 records over 6 partitions come back in input order, each exactly once in Kafka', async t => {
  const topic = await createTopic(t, { partitions: 6 })
  const port = await listen(t)
  const n = 5000
  const body = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ key: { type: 'STRING', data: `k${i % 97}` }, value: { type: 'STRING', data: `v${i}` } })
  ).join('\n')
  const result = await stream(port, topic, [{ body, expect: n }])
  assert.equal(result.reports.length, n)
  assert.ok(result.reports.every(r => r.error_code === 200))
  const messages = await consumeAll(topic, n, 60000)
  const byPosition = new Map(messages.map(m => [`${m.partition}:${m.offset}`, m.value.toString()]))
  // Report i describes record i: its partition/offset hold exactly value v<i>.
  result.reports.forEach((r, i) =>
    assert.equal(byPosition.get(`${r.partition_id as number}:${r.offset as number}`), `v${i}`)
  )
  assert.equal(byPosition.size, n)
})

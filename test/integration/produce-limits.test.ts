// Produce protection against the real broker: v3 rate limits (per-record 429) and the in-flight byte budget
// (429 + Retry-After for whole requests while it is full).
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { test } from 'node:test'
import { startProxy } from '../helpers/app.ts'
import { consumeAll, createTopic } from '../helpers/kafka.ts'

test('v3 rate limit: records over the per-cluster rate get 429 reports and are not written', async t => {
  const topic = await createTopic(t)
  const app = await startProxy(t, {
    'api.v3.produce.rate.limit.enabled': 'true',
    'api.v3.produce.rate.limit.max.requests.per.sec': '2'
  })
  const body = Array.from({ length: 5 }, (_, i) => JSON.stringify({ value: { type: 'STRING', data: `r${i}` } })).join(
    ''
  )
  const res = await app.inject({
    method: 'POST',
    url: `/v3/clusters/c/topics/${topic}/records`,
    headers: { 'content-type': 'application/json' },
    payload: body
  })
  const reports = res.body
    .split('\r\n')
    .filter(Boolean)
    .map(l => JSON.parse(l) as { error_code: number; message?: string })
  assert.deepEqual(
    reports.map(r => r.error_code),
    [200, 200, 429, 429, 429]
  )
  assert.equal(
    reports[2].message,
    'Request rate limit exceeded: The rate limit of requests per second has been exceeded.'
  )
  assert.deepEqual(
    (await consumeAll(topic, 2)).map(m => m.value.toString()),
    ['r0', 'r1']
  )
})

test('in-flight byte budget: a second request is refused with 429 and Retry-After while the first holds it', async t => {
  const topic = await createTopic(t)
  const app = await startProxy(t, { 'produce.inflight.max.bytes': '1000' })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const payload = JSON.stringify({ records: [{ value: Buffer.from('x'.repeat(600)).toString('base64') }] })
  type Answer = { status: number; headers: Record<string, unknown>; body: string }
  // A request; `hold` sends only its first 10 bytes until finish(). `answer` is its response.
  const send = (body: string, hold = false) => {
    const req = request({
      port,
      host: '127.0.0.1',
      method: 'POST',
      path: `/topics/${topic}`,
      headers: { 'content-type': 'application/vnd.kafka.binary.v2+json', 'content-length': Buffer.byteLength(body) }
    })
    const answer = new Promise<Answer>((resolve, reject) => {
      req.on('error', reject)
      req.on('response', res => {
        let text = ''
        res.on('data', (d: Buffer) => (text += d.toString()))
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }))
      })
    })
    if (hold)
      req.write(body.slice(0, 10)) // the rest comes later: the request holds its bytes meanwhile
    else req.end(body)
    return { answer, finish: () => req.end(body.slice(10)) }
  }

  const slow = send(payload, true)
  await new Promise(resolve => setTimeout(resolve, 200))
  const refused = await send(payload).answer
  assert.equal(refused.status, 429)
  assert.equal(refused.headers['retry-after'], '1')
  assert.deepEqual(JSON.parse(refused.body), {
    error_code: 429,
    message: 'Too many produce bytes in flight; retry shortly.'
  })

  // Once the held request is answered, its bytes are free again.
  slow.finish()
  assert.equal((await slow.answer).status, 200)
  assert.equal((await consumeAll(topic, 1)).length, 1)
  const after = await send(payload).answer
  assert.equal(after.status, 200)
})

test('a client that disconnects mid-stream costs only its own records', async t => {
  const topic = await createTopic(t)
  const app = await startProxy(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  await new Promise<void>((resolve, reject) => {
    const req = request({
      port,
      host: '127.0.0.1',
      method: 'POST',
      path: `/v3/clusters/c/topics/${topic}/records`,
      headers: { 'content-type': 'application/json' }
    })
    req.on('error', () => {}) // we cut it ourselves
    req.on('response', res => {
      res.once('data', () => {
        // First report is back: send half a record and vanish.
        req.write('{"value":{"type":"STRING","data":"hal')
        setTimeout(() => {
          req.destroy()
          resolve()
        }, 50)
      })
      res.on('error', () => {})
    })
    req.write('{"value":{"type":"STRING","data":"whole"}}')
    setTimeout(() => reject(new Error('no report')), 10000).unref()
  })
  // The proxy is fine: another stream works, and nothing stays reserved in the budget.
  const res = await app.inject({
    method: 'POST',
    url: `/v3/clusters/c/topics/${topic}/records`,
    headers: { 'content-type': 'application/json' },
    payload: '{"value":{"type":"STRING","data":"next"}}'
  })
  assert.equal(JSON.parse(res.body.trim()).error_code, 200)
  assert.equal(app.produceBudget.used, 0)
  assert.deepEqual(
    (await consumeAll(topic, 2)).map(m => m.value.toString()),
    ['whole', 'next']
  )
})

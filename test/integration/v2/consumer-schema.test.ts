// v2 consumer instances of format avro against the real broker and Schema Registry of the run: records written by
// the proxy's v2 and v3 produce and by hand (Confluent frames of plain Avro binary) come back as the exact JSON
// upstream writes (unions, bytes, longs beyond 2^53); a record whose schema id the registry does not know, or
// whose bytes are not a Confluent frame, fails the read with 408/40801 and stays (upstream's poison pill) while
// other instances read on; a registry that goes away fails reads fast with 40801 and is used again when it returns.
import assert from 'node:assert/strict'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { test, type TestContext } from 'node:test'
import avro from 'avsc'
import { type FastifyInstance } from 'fastify'
import { startProxy } from '../../helpers/app.ts'
import { BINARY, call, createConsumer, post204, readN, readRecords } from '../../helpers/consumers.ts'
import { exactParse } from '../../helpers/exact-json.ts'
import { createTopic, produceRaw, uniqueName } from '../../helpers/kafka.ts'
import { registryCall, schemaRegistryUrl } from '../../helpers/registry.ts'

const AVRO = 'application/vnd.kafka.avro.v2+json'

const order = {
  type: 'record',
  name: 'Order',
  namespace: 'com.acme',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'note', type: ['null', 'string'] },
    { name: 'raw', type: 'bytes' },
    { name: 'total', type: ['null', { type: 'record', name: 'Money', fields: [{ name: 'cents', type: 'long' }] }] }
  ]
}

async function register(subject: string, schema: string): Promise<number> {
  const res = await registryCall(`/subjects/${encodeURIComponent(subject)}/versions`, { body: { schema } })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return (res.body as { id: number }).id
}

/** A Confluent frame around an Avro payload. */
function frame(id: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(5)
  header.writeInt32BE(id, 1)
  return Buffer.concat([header, payload])
}

/** An Avro long by hand (zig-zag varint), for values plain avsc cannot write (beyond 2^53). */
function avroLong(n: bigint): Buffer {
  let v = BigInt.asUintN(64, (n << 1n) ^ (n >> 63n))
  const out: number[] = []
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
  return Buffer.from(out)
}

/** An avro instance reading partition 0 of `topic` from the beginning; returns its path. */
async function avroInstance(app: FastifyInstance, topic: string, timeoutMs = 5000): Promise<string> {
  const path = await createConsumer(app, uniqueName('g-avro'), {
    format: 'avro',
    'auto.commit.enable': 'false',
    'consumer.request.timeout.ms': timeoutMs
  })
  await post204(app, `${path}/assignments`, { partitions: [{ topic, partition: 0 }] })
  await post204(app, `${path}/positions/beginning`, { partitions: [{ topic, partition: 0 }] })
  return path
}

/** Reads until `count` records came, parsing the answers with 64-bit integers kept exact. */
async function readExact(app: FastifyInstance, path: string, count: number, timeoutMs = 15000): Promise<unknown[]> {
  const deadline = Date.now() + timeoutMs
  const out: unknown[] = []
  while (out.length < count) {
    if (Date.now() > deadline) assert.fail(`read ${out.length} of ${count} records in ${timeoutMs} ms`)
    const res = await readRecords(app, path, { timeout: 1000 }, AVRO)
    assert.equal(res.statusCode, 200, res.body)
    assert.equal(res.headers['content-type'], AVRO)
    out.push(...(exactParse(res.body) as unknown[]))
  }
  assert.equal(out.length, count, 'more records than expected')
  return out
}

/** A read that must fail with 408/40801 (and fast: well before the instance's 5 s timeout). */
async function refusedRead(app: FastifyInstance, path: string, message: RegExp, withinMs = 4000): Promise<void> {
  const started = Date.now()
  const res = await readRecords(app, path, { timeout: 5000 }, AVRO)
  assert.equal(res.statusCode, 408, res.body)
  assert.equal(res.headers['content-type'], AVRO)
  assert.equal(res.json().error_code, 40801)
  assert.match(res.json().message, message)
  assert.ok(Date.now() - started < withinMs, `refused after ${Date.now() - started} ms`)
}

const withRegistry = (t: TestContext, url = schemaRegistryUrl(), overrides: Record<string, string> = {}) =>
  startProxy(t, { 'schema.registry.url': url, ...overrides })

test('records written by v2 avro, v3 AVRO and by hand read back as upstream JSON, longs beyond 2^53 exact', async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const value = {
    id: 7,
    note: { string: 'fragile ✓' },
    raw: '\u0000\u00ffA',
    total: { 'com.acme.Money': { cents: 1999 } }
  }
  const v2 = await call(app, 'POST', `/topics/${topic}`, {
    key_schema: '"string"',
    value_schema: JSON.stringify(order),
    records: [{ key: 'k1', value }, { value: { id: -1, note: null, raw: '', total: null } }]
  }, { 'content-type': AVRO }) // prettier-ignore
  assert.equal(v2.statusCode, 200, v2.body)
  const v3 = await app.inject({
    method: 'POST',
    url: `/v3/clusters/c/topics/${topic}/records`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({
      key: { type: 'AVRO', schema: '"string"', data: 'k3' },
      value: { type: 'AVRO', schema: JSON.stringify(order), data: { ...value, id: 3 } }
    })
  })
  assert.equal(JSON.parse(v3.body).error_code, 200, v3.body)
  const longId = await register(`${topic}-longs`, '"long"')
  const longs = [9007199254740993n, -9223372036854775808n, 9223372036854775807n]
  await produceRaw(
    topic,
    longs.map(n => ({ key: frame(longId, avroLong(n)), partition: 0 }))
  )

  const path = await avroInstance(app, topic)
  const wrong = await readRecords(app, path, { timeout: 100 }, BINARY)
  assert.equal(wrong.statusCode, 406)
  assert.equal(wrong.json().error_code, 40601)
  assert.deepEqual(await readExact(app, path, 6), [
    { topic, key: 'k1', value, partition: 0, offset: 0 },
    { topic, key: null, value: { id: -1, note: null, raw: '', total: null }, partition: 0, offset: 1 },
    { topic, key: 'k3', value: { ...value, id: 3 }, partition: 0, offset: 2 },
    ...longs.map((key, i) => ({ topic, key, value: null, partition: 0, offset: 3 + i }))
  ])
})

test('unknown schema ids and bytes that are no frame: 40801, the record stays; other instances read on', async t => {
  const topic = await createTopic(t)
  const other = await createTopic(t)
  const app = await withRegistry(t)
  const id = await register(`${topic}-value`, JSON.stringify(order))
  const good = (n: number) =>
    frame(
      id,
      avro.Type.forSchema(order as avro.Schema).toBuffer({ id: n, note: null, raw: Buffer.alloc(0), total: null })
    )
  const unknown = 2147000000 // far above any id the registry of the run hands out
  await produceRaw(topic, [
    { value: good(0), partition: 0 },
    { value: frame(unknown, Buffer.from([2])), partition: 0 },
    { value: good(2), partition: 0 },
    { key: Buffer.from('plain text'), value: good(3), partition: 0 },
    { value: good(4), partition: 0 }
  ])
  await produceRaw(other, [{ value: good(10), partition: 0 }])
  const record = (n: number, offset = n) => ({ topic, key: null, value: { id: n, note: null, raw: '', total: null }, partition: 0, offset }) // prettier-ignore

  const path = await avroInstance(app, topic)
  assert.deepEqual(await readExact(app, path, 1), [record(0)])
  // the unknown id: refused, again and again (the registry is asked at most once a second)
  for (let i = 0; i < 3; i++)
    await refusedRead(app, path, new RegExp(`^Error deserializing message: the value of ${topic}-0 at offset 1 names schema id ${unknown}: Error when fetching schema by id\\. schemaId = ${unknown}: .+`)) // prettier-ignore

  // meanwhile another avro instance reads another topic, and a binary one reads this topic whole
  const second = await avroInstance(app, other)
  assert.deepEqual(await readExact(app, second, 1), [{ ...record(10, 0), topic: other }])
  const binary = await createConsumer(app, uniqueName('g-bin'), { 'auto.offset.reset': 'earliest' })
  await post204(app, `${binary}/assignments`, { partitions: [{ topic, partition: 0 }] })
  assert.equal((await readN(app, binary, 5)).length, 5)

  await post204(app, `${path}/positions`, { offsets: [{ topic, partition: 0, offset: 2 }] })
  assert.deepEqual(await readExact(app, path, 1), [record(2)])
  await refusedRead(app, path, new RegExp(`^Error deserializing message: the key of ${topic}-0 at offset 3 is not in the Confluent wire format: Unknown magic byte!$`)) // prettier-ignore
  await post204(app, `${path}/positions`, { offsets: [{ topic, partition: 0, offset: 4 }] })
  assert.deepEqual(await readExact(app, path, 1), [record(4)])
})

test('without schema.registry.url an avro instance is refused at creation with 42206', async t => {
  const app = await startProxy(t)
  const res = await call(app, 'POST', `/consumers/${uniqueName('g')}`, { format: 'AVRO' })
  assert.equal(res.statusCode, 422)
  assert.deepEqual(res.json(), {
    error_code: 42206,
    message: 'Payload error. Schema Registry must be configured when using schemas.'
  })
})

/** A TCP forwarder to the registry that can be stopped, started again on its port, or made to swallow requests. */
class Forwarder {
  readonly #target: { host: string; port: number }
  readonly #sockets = new Set<Socket>()
  #server: Server | undefined
  port = 0
  hang = false

  constructor(target: URL) {
    this.#target = { host: target.hostname, port: Number(target.port) }
  }

  async start(): Promise<void> {
    const server = createServer(client => {
      this.#sockets.add(client)
      client.on('close', () => this.#sockets.delete(client))
      client.on('error', () => client.destroy())
      if (this.hang) return
      const upstream = connect(this.#target.port, this.#target.host)
      this.#sockets.add(upstream)
      upstream.on('close', () => (this.#sockets.delete(upstream), client.destroy()))
      upstream.on('error', () => upstream.destroy())
      client.on('close', () => upstream.destroy())
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>(resolve => server.listen(this.port, '127.0.0.1', resolve))
    this.port = (server.address() as { port: number }).port
    this.#server = server
  }

  async stop(): Promise<void> {
    const server = this.#server
    this.#server = undefined
    for (const socket of this.#sockets) socket.destroy()
    if (server) await new Promise<void>(resolve => server.close(() => resolve()))
  }
}

test('a registry that goes away fails reads fast with 40801, and is used again once it is back', async t => {
  const topic = await createTopic(t)
  const registry = new URL(schemaRegistryUrl())
  const forwarder = new Forwarder(registry)
  await forwarder.start()
  t.after(() => forwarder.stop())
  const url = `http://127.0.0.1:${forwarder.port}${registry.pathname}`
  const app = await withRegistry(t, url, { 'schema.registry.request.timeout.ms': '1500' })
  // a schema this proxy has never seen, registered directly
  const schema = { ...order, name: uniqueName('Away').replace('-', '_') }
  const id = await register(`${topic}-value`, JSON.stringify(schema))
  const datum = (n: number) => ({ id: n, note: `n${n}`, raw: Buffer.from([n]), total: null })
  const type = avro.Type.forSchema(schema as avro.Schema)
  await produceRaw(
    topic,
    [0, 1].map(n => ({ value: frame(id, type.toBuffer(datum(n))), partition: 0 }))
  )
  const path = await avroInstance(app, topic)
  const message = new RegExp(`^Error deserializing message: the value of ${topic}-0 at offset 0 names schema id ${id}: .*Schema Registry`) // prettier-ignore

  await forwarder.stop() // connections refused: the read fails at once
  await refusedRead(app, path, message, 2500)
  await new Promise(resolve => setTimeout(resolve, 1100)) // past the remembered failure
  forwarder.hang = true // connections accepted, never answered: the read fails at the registry timeout
  await forwarder.start()
  await refusedRead(app, path, message, 3500)

  await forwarder.stop()
  forwarder.hang = false
  await forwarder.start()
  const deadline = Date.now() + 10000
  for (;;) {
    const res = await readRecords(app, path, { timeout: 2000 }, AVRO)
    if (res.statusCode === 200 && res.body !== '[]') {
      assert.deepEqual(exactParse(res.body), [0, 1].map(n => ({ topic, key: null, value: { id: n, note: { string: `n${n}` }, raw: String.fromCharCode(n), total: null }, partition: 0, offset: n }))) // prettier-ignore
      break
    }
    assert.ok([200, 408].includes(res.statusCode), res.body)
    assert.ok(Date.now() < deadline, `still ${res.statusCode} ${res.body} after the registry came back`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
})

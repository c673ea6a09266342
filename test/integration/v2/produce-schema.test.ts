// v2 produce of Avro data through the real Schema Registry of the run (Apicurio, Confluent API): raw key/value
// schemas registered under the subject strategy, schema ids, the ids echoed in the response, the exact bytes in
// Kafka (magic byte, schema id, Avro binary as plain avsc writes it), the registry's state read back raw, and
// upstream's answers for missing schemas (42201/42202), bad data (400, nothing written), registry failures and a
// proxy without a registry. The format-neutral parts are proven with Avro, the one format of this suite.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import avro from 'avsc'
import { type FastifyInstance } from 'fastify'
import { startProxy } from '../../helpers/app.ts'
import { consumeAll, createTopic, uniqueName } from '../../helpers/kafka.ts'
import { registryCall, schemaRegistryUrl } from '../../helpers/registry.ts'

const AVRO = 'application/vnd.kafka.avro.v2+json'
const V2 = 'application/vnd.kafka.v2+json'

const order = {
  type: 'record',
  name: 'Order',
  namespace: 'com.acme',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'raw', type: 'bytes', default: '' }
  ]
}
const orderSchema = JSON.stringify(order)
const keySchema = '"string"'

const withRegistry = (t: TestContext, overrides: Record<string, string> = {}) =>
  startProxy(t, { 'schema.registry.url': schemaRegistryUrl(), ...overrides })

function produce(app: FastifyInstance, path: string, body: unknown, type = AVRO) {
  return app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': type, accept: V2 },
    payload: typeof body === 'string' ? body : JSON.stringify(body)
  })
}

async function latest(subject: string): Promise<{ id: number; version: number; schema: string }> {
  const res = await registryCall(`/subjects/${encodeURIComponent(subject)}/versions/latest`)
  assert.equal(res.status, 200, `${subject}: ${JSON.stringify(res.body)}`)
  return res.body as { id: number; version: number; schema: string }
}

async function register(subject: string, schema: string, schemaType?: string): Promise<number> {
  const res = await registryCall(`/subjects/${encodeURIComponent(subject)}/versions`, {
    body: schemaType ? { schema, schemaType } : { schema }
  })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return (res.body as { id: number }).id
}

/** The Confluent frame of a datum as plain avsc writes it: our converter is not involved. */
const framed = (id: number, schema: object | string, datum: unknown) => {
  const header = Buffer.alloc(5)
  header.writeInt32BE(id, 1)
  return Buffer.concat([header, avro.Type.forSchema(schema as avro.Schema).toBuffer(datum)])
}

test('raw schemas are registered under <topic>-key/-value; ids echoed; the bytes are Confluent frames', async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const res = await produce(app, `/topics/${topic}`, {
    key_schema: keySchema,
    value_schema: orderSchema,
    records: [
      { key: 'k1', value: { id: 1, note: { string: 'fragile' }, raw: '\u0000\u00ff' } },
      { value: { id: 2, note: null } }, // no key: no key schema needed; raw takes its default
      { key: 'k3', value: null } // a null value is a Kafka null, not an Avro datum
    ]
  })
  assert.equal(res.statusCode, 200, res.body)
  assert.equal(res.headers['content-type'], V2)
  const key = await latest(`${topic}-key`)
  const value = await latest(`${topic}-value`)
  assert.equal(key.version, 1)
  assert.equal(value.version, 1)
  assert.deepEqual(JSON.parse(value.schema), order)
  assert.deepEqual(res.json(), {
    offsets: [0, 1, 2].map(offset => ({ partition: 0, offset, error_code: null, error: null })),
    key_schema_id: key.id,
    value_schema_id: value.id
  })

  const messages = await consumeAll(topic, 3)
  assert.deepEqual(messages[0].key, framed(key.id, 'string', 'k1'))
  assert.deepEqual(messages[0].value, framed(value.id, order, { id: 1, note: 'fragile', raw: Buffer.from([0, 255]) }))
  assert.equal(messages[1].key?.length ?? 0, 0)
  assert.deepEqual(messages[1].value, framed(value.id, order, { id: 2, note: null, raw: Buffer.alloc(0) }))
  assert.deepEqual(messages[2].key, framed(key.id, 'string', 'k3'))
  assert.equal(messages[2].value?.length ?? 0, 0)

  // The same schemas again: found, not registered anew (still version 1).
  const again = await produce(app, `/topics/${topic}`, { value_schema: orderSchema, records: [{ value: { id: 4 } }] })
  assert.equal(again.statusCode, 200, again.body)
  assert.deepEqual(again.json().value_schema_id, value.id)
  assert.equal(again.json().key_schema_id, null)
  assert.deepEqual((await registryCall(`/subjects/${topic}-value/versions`)).body, [1])
})

test('schema ids pick registered schemas (numeric strings too), on the partition endpoint as well', async t => {
  const topic = await createTopic(t, { partitions: 2 })
  const app = await withRegistry(t)
  const valueId = await register(`${topic}-value`, orderSchema)
  const keyId = await register(`${topic}-key`, '"long"')
  const res = await produce(app, `/topics/${topic}/partitions/1`, {
    key_schema_id: String(keyId),
    value_schema_id: valueId,
    records: [
      { key: 42, value: { id: 7, note: { string: 'x' }, raw: 'A' } },
      { value: { id: 8 }, partition: 0 }
    ]
  })
  assert.equal(res.statusCode, 200, res.body)
  assert.deepEqual(res.json(), {
    offsets: [
      { partition: 1, offset: 0, error_code: null, error: null },
      { partition: 0, offset: 0, error_code: null, error: null }
    ],
    key_schema_id: keyId,
    value_schema_id: valueId
  })
  const messages = await consumeAll(topic, 2)
  const byPartition = new Map(messages.map(m => [m.partition, m]))
  assert.deepEqual(byPartition.get(1)!.key, framed(keyId, 'long', 42))
  assert.deepEqual(byPartition.get(1)!.value, framed(valueId, order, { id: 7, note: 'x', raw: Buffer.from('A') }))
  assert.deepEqual(byPartition.get(0)!.value, framed(valueId, order, { id: 8, note: null, raw: Buffer.alloc(0) }))
})

test('the subject strategies of the configuration name the subjects', async t => {
  const topic = await createTopic(t)
  const name = uniqueName('Order').replace('-', '_')
  const record = JSON.stringify({ ...order, name, namespace: 'com.strategy' })
  const app = await withRegistry(t, {
    'schema.registry.key.subject.name.strategy': 'io.confluent.kafka.serializers.subject.TopicRecordNameStrategy',
    'schema.registry.value.subject.name.strategy': 'io.confluent.kafka.serializers.subject.RecordNameStrategy'
  })
  const res = await produce(app, `/topics/${topic}`, {
    key_schema: record,
    value_schema: record,
    records: [{ key: { id: 1 }, value: { id: 2 } }]
  })
  assert.equal(res.statusCode, 200, res.body)
  const byTopicRecord = await latest(`${topic}-com.strategy.${name}`)
  const byRecord = await latest(`com.strategy.${name}`)
  assert.equal(res.json().key_schema_id, byTopicRecord.id)
  assert.equal(res.json().value_schema_id, byRecord.id)
  assert.equal((await registryCall(`/subjects/${topic}-value/versions`)).status, 404)
})

test('42201/42202 for keys/values without a schema; bad data is 400; nothing of a refused request is written', async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const refused: [unknown, number, object][] = [
    [
      { value_schema: orderSchema, records: [{ value: { id: 1 } }, { key: 'k', value: { id: 2 } }] },
      422,
      { error_code: 42201, message: 'Request includes keys but does not include key schema' }
    ],
    [
      { key_schema: keySchema, records: [{ key: 'k' }, { key: 'k', value: { id: 2 } }] },
      422,
      { error_code: 42202, message: 'Request includes values but does not include value schema' }
    ],
    [
      { value_schema: orderSchema, records: [{ value: { id: 1 } }, { value: { id: 2 } }, { value: { id: 'x' } }] },
      400,
      { error_code: 400, message: 'Bad Request: Expected long. Got VALUE_STRING (at .id)' }
    ],
    [
      { value_schema: orderSchema, records: [{ value: { id: 1, extra: true } }] },
      400,
      { error_code: 400, message: 'Bad Request: Unknown fields in record com.acme.Order: extra' }
    ],
    [
      // record 0's bad value comes before record 1's key without a schema, as upstream serializes in order
      { value_schema: orderSchema, records: [{ value: { id: null } }, { key: 'k', value: { id: 2 } }] },
      400,
      { error_code: 400, message: 'Bad Request: Expected long. Got VALUE_NULL (at .id)' }
    ]
  ]
  for (const [body, status, error] of refused) {
    const res = await produce(app, `/topics/${topic}`, body)
    assert.equal(res.statusCode, status, res.body)
    assert.deepEqual(res.json(), error)
  }
  // the first record written by this good request has offset 0: the refused requests wrote nothing
  const ok = await produce(app, `/topics/${topic}`, { value_schema: orderSchema, records: [{ value: { id: 9 } }] })
  assert.equal(ok.statusCode, 200, ok.body)
  assert.deepEqual(ok.json().offsets, [{ partition: 0, offset: 0, error_code: null, error: null }])
  const [message] = await consumeAll(topic, 1)
  assert.deepEqual(message.value, framed(ok.json().value_schema_id, order, { id: 9, note: null, raw: Buffer.alloc(0) }))
})

test('schema arguments and registry failures: 400, 42205, 42207, 422 as upstream', async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const valueId = await register(`${topic}-value`, orderSchema)
  const elsewhere = await register(`${topic}-other`, JSON.stringify({ ...order, name: 'Elsewhere' }))
  // a JSON Schema under the value subject of another topic: found there, but not an Avro schema
  const jsonTopic = await createTopic(t)
  const jsonSchema = '{"$schema":"http://json-schema.org/draft-07/schema#","type":"object"}'
  const jsonId = await register(`${jsonTopic}-value`, jsonSchema, 'JSON')
  const badSchema = '{"type":"record","name":"R","fields":[{"name":"a","type":"nope"}]}'
  const records = [{ value: { id: 1 } }]
  const cases: [unknown, number, number, string | RegExp][] = [
    [{ value_schema: orderSchema, value_schema_id: valueId, records }, 400, 400,
      'Bad Request: value_schema and value_schema_id cannot be used together'],
    [{ value_schema: badSchema, records }, 422, 42205,
      `Invalid schema: Error when parsing raw schema. format = AVRO, schema = ${badSchema}`],
    [{ value_schema_id: 987654321, records }, 422, 42207,
      /^Error serializing message\. Error when fetching schema by id\. schemaId = 987654321: .+; error code: 404\d\d$/],
    // an id registered under another subject only: upstream looks it up under the strategy's subject
    [{ value_schema_id: elsewhere, records }, 422, 42207,
      new RegExp(`^Error serializing message\\. Error when fetching schema version\\. subject = ${topic}-value, schema = .+$`)],
    [{ value_schema_id: jsonId, records }, 400, 400, /^Bad Request: .*JSONSCHEMA/],
    [{ value_schema: { type: 'string' }, records }, 400, 400, 'Bad Request: value_schema must be a string holding the schema'],
    [{ value_schema_id: 'seven', records }, 400, 400, 'Bad Request: value_schema_id must be a schema id (a non-negative integer)'],
    [{ value_schema: orderSchema, records: [] }, 422, 422, 'records must not be empty'],
    [{ value_schema: orderSchema, records, schema: 'x' }, 422, 422, 'Unrecognized field: schema'],
    [{ value_schema: orderSchema, records: [{ value: { id: 1 }, topic: 'x' }] }, 422, 422, 'Unrecognized field: topic']
  ] // prettier-ignore
  for (const [body, status, code, message] of cases) {
    const target = (body as { value_schema_id?: unknown }).value_schema_id === jsonId ? jsonTopic : topic
    const res = await produce(app, `/topics/${target}`, body)
    assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`)
    assert.equal(res.json().error_code, code, res.body)
    if (typeof message === 'string') assert.equal(res.json().message, message)
    else assert.match(res.json().message, message)
  }
  // binary bodies still refuse schema fields
  const binary = await produce(app, `/topics/${topic}`, { value_schema: orderSchema, records: [{ value: 'AA==' }] }, 'application/vnd.kafka.binary.v2+json') // prettier-ignore
  assert.deepEqual([binary.statusCode, binary.json()], [422, { error_code: 422, message: 'Unrecognized field: value_schema' }]) // prettier-ignore

  // a registry that does not answer: 42207 at once
  const down = await startProxy(t, { 'schema.registry.url': 'http://127.0.0.1:9/apis/ccompat/v7' })
  const started = Date.now()
  const res = await produce(down, `/topics/${topic}`, { value_schema: orderSchema, records })
  assert.equal(res.statusCode, 422, res.body)
  assert.equal(res.json().error_code, 42207)
  assert.match(res.json().message, new RegExp(`^Error serializing message\\. Error when registering schema\\. format = AVRO, subject = ${topic}-value, schema = `)) // prettier-ignore
  assert.ok(Date.now() - started < 5000, 'a refused connection fails fast')
})

test('without schema.registry.url: 42206 when a schema is named, else 42207', async t => {
  const topic = await createTopic(t)
  const app = await startProxy(t)
  const named = await produce(app, `/topics/${topic}`, { value_schema: orderSchema, records: [{ value: { id: 1 } }] })
  assert.equal(named.statusCode, 422)
  assert.deepEqual(named.json(), {
    error_code: 42206,
    message: 'Payload error. Schema Registry must be configured when using schemas.'
  })
  const unnamed = await produce(app, `/topics/${topic}/partitions/0`, { records: [{ value: null }] })
  assert.equal(unnamed.statusCode, 422)
  assert.deepEqual(unnamed.json(), {
    error_code: 42207,
    message:
      'Error serializing message. Schema registry not defined, no Schema Registry client available to serialize message.'
  })
})

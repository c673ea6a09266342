// v3 produce of JSON Schema data through the real Schema Registry of the run (Apicurio, Confluent API): raw
// schemas registered under the subject strategy (RECORD_NAME: the title; not com.acme.Order, the Avro test's subject), schema_id, schema_version and the latest
// version; exact delivery reports; the exact bytes in Kafka (magic 0, schema id, compact JSON text) read back with
// the raw client; data that does not fit → 400 with the validator's words and nothing written; unparsable
// schemas → 42205; a schema referring to one registered under another subject; two subjects sharing an $id.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { type FastifyInstance } from 'fastify'
import { startProxy } from '../../helpers/app.ts'
import { streamRecords, batchRecords } from '../../helpers/v3.ts'
import { consumeAll, createTopic } from '../../helpers/kafka.ts'
import { registryCall, schemaRegistryUrl } from '../../helpers/registry.ts'

// Apicurio takes a JSON schema only with a $schema (or properties) at the top: it guesses the type from the content.
const draft07 = 'http://json-schema.org/draft-07/schema#'
const order = {
  $schema: draft07,
  title: 'com.acme.JsonOrder',
  type: 'object',
  javaType: 'com.acme.JsonOrder', // a vendor keyword: ignored
  properties: {
    id: { type: 'integer', 'connect.type': 'int64' },
    email: { type: 'string', format: 'email' },
    tags: { type: 'array', items: { type: 'string' } }
  },
  required: ['id'],
  additionalProperties: false
}
const orderSchema = JSON.stringify(order)

const withRegistry = (t: TestContext) => startProxy(t, { 'schema.registry.url': schemaRegistryUrl() })

const stream = async (app: FastifyInstance, topic: string, records: unknown[]) =>
  (await streamRecords(app, topic, records)).map(({ timestamp: _t, ...r }) => r)

async function register(subject: string, schema: string, references: unknown[] = []): Promise<number> {
  const res = await registryCall(`/subjects/${subject}/versions`, { body: { schema, schemaType: 'JSON', references } })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return (res.body as { id: number }).id
}

async function latest(subject: string): Promise<{ id: number; version: number; schemaType?: string }> {
  const res = await registryCall(`/subjects/${subject}/versions/latest`)
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body as { id: number; version: number; schemaType?: string }
}

/** The Confluent frame of JSON Schema data: magic byte 0, the schema id (int32 big-endian), the JSON text. */
const framed = (id: number, json: string) => {
  const header = Buffer.alloc(5)
  header.writeInt32BE(id, 1)
  return Buffer.concat([header, Buffer.from(json)])
}

const ok = (topic: string, offset: number, sides: Record<string, unknown>) => ({
  error_code: 200,
  cluster_id: 'c1',
  topic_name: topic,
  partition_id: 0,
  offset,
  ...sides
})

const side = (subject: string, id: number, version: number, size: number) => ({
  type: 'JSONSCHEMA',
  subject,
  schema_id: id,
  schema_version: version,
  size
})

test('raw schemas are registered under <topic>-key/-value; the bytes are magic 0, the id, the JSON text', async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const keySchema = JSON.stringify({ $schema: draft07, type: 'string', maxLength: 8 })
  const first = { id: 1, email: 'a@example.com', tags: ['x', 'ü✓'] }
  const reports = await stream(app, topic, [
    { key: { type: 'JSONSCHEMA', schema: keySchema, data: 'k1' }, value: { type: 'JSONSCHEMA', schema: orderSchema, data: first } }, // prettier-ignore
    { value: { type: 'JSONSCHEMA', schema: orderSchema, data: { id: 9007199254740991 } } }
  ])
  const value = await latest(`${topic}-value`)
  const key = await latest(`${topic}-key`)
  assert.deepEqual([value.version, value.schemaType, key.version, key.schemaType], [1, 'JSON', 1, 'JSON'])
  const firstText = '{"id":1,"email":"a@example.com","tags":["x","ü✓"]}'
  const secondText = '{"id":9007199254740991}'
  assert.deepEqual(reports, [
    ok(topic, 0, {
      key: side(`${topic}-key`, key.id, 1, 5 + 4),
      value: side(`${topic}-value`, value.id, 1, 5 + Buffer.byteLength(firstText))
    }),
    ok(topic, 1, { value: side(`${topic}-value`, value.id, 1, 5 + secondText.length) })
  ])
  const messages = await consumeAll(topic, 2)
  assert.deepEqual(messages[0].key, framed(key.id, '"k1"'))
  assert.deepEqual(messages[0].value, framed(value.id, firstText))
  assert.deepEqual(messages[1].value, framed(value.id, secondText))
  // the registry holds the schema text we were given
  const stored = await registryCall(`/schemas/ids/${value.id}`)
  assert.deepEqual(JSON.parse((stored.body as { schema: string }).schema), order)
})

test('schema_id, schema_version and the latest version pick registered schemas; strategies name subjects', async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const v1 = await register(`${topic}-value`, orderSchema)
  const order2 = { ...order, properties: { ...order.properties, qty: { type: 'integer', minimum: 1 } } }
  const v2 = await register(`${topic}-value`, JSON.stringify(order2))
  const reports = await stream(app, topic, [
    { value: { schema_id: v1, data: { id: 1 } } },
    { value: { schema_version: 1, data: { id: 2 } } },
    { value: { data: { id: 3, qty: 2 } } }, // the latest: version 2
    { value: { type: 'JSONSCHEMA', schema: orderSchema, subject_name_strategy: 'RECORD_NAME', data: { id: 4 } } },
    { value: { type: 'JSONSCHEMA', schema: orderSchema, subject_name_strategy: 'TOPIC_RECORD_NAME', data: { id: 5 } } }, // prettier-ignore
    { value: { schema_id: v1, subject: `${topic}-value`, data: { id: 6 } } },
    { value: { type: 'JSONSCHEMA', schema: '{"properties":{}}', subject_name_strategy: 'RECORD_NAME', data: {} } }
  ])
  const recordSubject = await latest('com.acme.JsonOrder')
  const topicRecord = await latest(`${topic}-com.acme.JsonOrder`)
  assert.equal(recordSubject.id, v1) // the same schema text has the same id under every subject
  assert.equal(topicRecord.id, v1)
  assert.deepEqual(reports, [
    ok(topic, 0, { value: side(`${topic}-value`, v1, 1, 5 + 8) }),
    ok(topic, 1, { value: side(`${topic}-value`, v1, 1, 5 + 8) }),
    ok(topic, 2, { value: side(`${topic}-value`, v2, 2, 5 + 16) }),
    ok(topic, 3, { value: side('com.acme.JsonOrder', v1, recordSubject.version, 5 + 8) }),
    ok(topic, 4, { value: side(`${topic}-com.acme.JsonOrder`, v1, 1, 5 + 8) }),
    ok(topic, 5, { value: side(`${topic}-value`, v1, 1, 5 + 8) }),
    { error_code: 400, message: 'Bad Request: The schema has no name for the RECORD_NAME subject name strategies' }
  ])
  const messages = await consumeAll(topic, 6)
  assert.deepEqual(messages[2].value, framed(v2, '{"id":3,"qty":2}'))
})

test('data that does not fit is a 400 with the reason and is not written; unparsable schemas are 42205', async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const raw = (data: unknown, schema = orderSchema) => ({ value: { type: 'JSONSCHEMA', schema, data } })
  const notJson = '{"type":"object",'
  const badType = '{"type":"text"}'
  const reports = await stream(app, topic, [
    raw({ id: 1 }),
    raw({ id: 'one' }),
    raw({}),
    raw({ id: 2, extra: true }),
    raw({ id: 3, email: 'not-an-email' }),
    raw({ id: 4, tags: ['a', 5] }),
    raw(null), // the schema is an object: null is refused, as upstream's serializer does
    { value: { type: 'JSONSCHEMA', schema: orderSchema } }, // data absent: null
    raw({}, notJson),
    raw({}, badType),
    raw({ id: 5 })
  ])
  const invalid = (schema: string) =>
    `Error: 42205 : Invalid schema: Error when parsing raw schema. format = JSONSCHEMA, schema = ${schema}`
  const id = (await latest(`${topic}-value`)).id
  assert.deepEqual(reports, [
    ok(topic, 0, { value: side(`${topic}-value`, id, 1, 5 + 8) }),
    { error_code: 400, message: 'Bad Request: #/id: must be integer' },
    { error_code: 400, message: "Bad Request: #: must have required property 'id'" },
    { error_code: 400, message: 'Bad Request: #: must NOT have additional properties ("extra")' },
    { error_code: 400, message: 'Bad Request: #/email: must match format "email"' },
    { error_code: 400, message: 'Bad Request: #/tags/1: must be string' },
    { error_code: 400, message: 'Bad Request: #: must be object' },
    { error_code: 400, message: 'Bad Request: #: must be object' },
    { error_code: 422, message: invalid(notJson) },
    { error_code: 422, message: invalid(badType) },
    ok(topic, 1, { value: side(`${topic}-value`, id, 1, 5 + 8) }) // offset 1: nothing was written in between
  ])
  const messages = await consumeAll(topic, 2)
  assert.deepEqual(
    messages.map(m => m.value),
    [framed(id, '{"id":1}'), framed(id, '{"id":5}')]
  )
})

test('null data where the schema allows null is the JSON text null, framed', async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const schema = JSON.stringify({ $schema: draft07, type: ['object', 'null'] })
  const reports = await stream(app, topic, [{ value: { type: 'JSONSCHEMA', schema, data: null } }])
  const id = (await latest(`${topic}-value`)).id
  assert.deepEqual(reports, [ok(topic, 0, { value: side(`${topic}-value`, id, 1, 9) })])
  const [message] = await consumeAll(topic, 1)
  assert.deepEqual(message.value, framed(id, 'null'))
})

test('a schema referring to one registered under another subject validates through it', async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const address = { $schema: draft07, type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }
  const addressSubject = `${topic}-address`
  await register(addressSubject, JSON.stringify(address))
  const customer = {
    $schema: draft07,
    $id: 'https://example.com/schemas/customer.json',
    title: 'Customer',
    type: 'object',
    properties: { name: { type: 'string' }, home: { $ref: 'address.json' } },
    required: ['name', 'home']
  }
  const id = await register(`${topic}-value`, JSON.stringify(customer), [
    { name: 'address.json', subject: addressSubject, version: 1 }
  ])
  const reports = await stream(app, topic, [
    { value: { data: { name: 'Ada', home: { city: 'London' } } } },
    { value: { schema_id: id, data: { name: 'Bob', home: { town: 'Paris' } } } },
    { value: { schema_version: 1, data: { name: 'Cy', home: { city: 7 } } } }
  ])
  const text = '{"name":"Ada","home":{"city":"London"}}'
  assert.deepEqual(reports, [
    ok(topic, 0, { value: side(`${topic}-value`, id, 1, 5 + text.length) }),
    { error_code: 400, message: "Bad Request: #/home: must have required property 'city'" },
    { error_code: 400, message: 'Bad Request: #/home/city: must be string' }
  ])
  const [message] = await consumeAll(topic, 1)
  assert.deepEqual(message.value, framed(id, text))
})

test('two subjects whose schemas share an $id keep their own rules', async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const $id = 'https://example.com/schemas/shared.json'
  const asNumber = await register(`${topic}-key`, JSON.stringify({ $schema: draft07, $id, type: 'integer' }))
  const asString = await register(`${topic}-value`, JSON.stringify({ $schema: draft07, $id, type: 'string' }))
  const reports = await stream(app, topic, [
    { key: { data: 1 }, value: { data: 'one' } },
    { key: { data: 'one' }, value: { data: 'one' } },
    { key: { data: 2 }, value: { data: 2 } }
  ])
  assert.deepEqual(reports, [
    ok(topic, 0, { key: side(`${topic}-key`, asNumber, 1, 6), value: side(`${topic}-value`, asString, 1, 10) }),
    { error_code: 400, message: 'Bad Request: #: must be integer' },
    { error_code: 400, message: 'Bad Request: #: must be string' }
  ])
})

test('batch: JSON Schema entries succeed or fail on their own, in entry order', async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const id = await register(`${topic}-value`, orderSchema)
  const body = await batchRecords(app, topic, [
    { id: 'a', value: { type: 'JSONSCHEMA', schema: orderSchema, data: { id: 1 } } },
    { id: 'b', value: { schema_id: id, data: { id: 1.5 } } },
    { id: 'c', value: { data: { id: 3 } } }
  ])
  const value = side(`${topic}-value`, id, 1, 13)
  assert.deepEqual(
    body.successes.map(({ timestamp: _t, ...s }: Record<string, unknown>) => s),
    [
      { id: 'a', cluster_id: 'c1', topic_name: topic, partition_id: 0, offset: 0, value },
      { id: 'c', cluster_id: 'c1', topic_name: topic, partition_id: 0, offset: 1, value }
    ]
  )
  assert.deepEqual(body.failures, [{ id: 'b', error_code: 400, message: 'Bad Request: #/id: must be integer' }])
})

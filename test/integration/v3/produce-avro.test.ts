// v3 produce of Avro data through the real Schema Registry of the run (Apicurio, Confluent API): raw schemas
// (registered under the subject strategy), schema_id, schema_version and the latest version; the delivery
// reports; the exact bytes in Kafka (Confluent framing, decoded here with plain avsc, not our converter) and the
// registry's state read back raw; per-record errors in Confluent's codes; request order kept across registry calls.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import avro from 'avsc'
import { startProxy } from '../../helpers/app.ts'
import { streamRecords, batchRecords } from '../../helpers/v3.ts'
import { consumeAll, createTopic } from '../../helpers/kafka.ts'
import { assertMatchesSpec } from '../../helpers/openapi.ts'
import { registryCall, schemaRegistryUrl } from '../../helpers/registry.ts'

const order = {
  type: 'record',
  name: 'Order',
  namespace: 'com.acme',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'note', type: ['null', 'string'], default: null }
  ]
}
const orderSchema = JSON.stringify(order)

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

const withRegistry = (t: TestContext) => startProxy(t, { 'schema.registry.url': schemaRegistryUrl() })

async function register(subject: string, schema: string): Promise<number> {
  const res = await registryCall(`/subjects/${subject}/versions`, { body: { schema } })
  assert.equal(res.status, 200)
  return (res.body as { id: number }).id
}

/** Magic byte, schema id, and the payload decoded by avsc itself (unwrapped unions, plain values). */
function unframe(bytes: Buffer, schema: object) {
  assert.equal(bytes[0], 0)
  const datum = avro.Type.forSchema(schema as avro.Schema).fromBuffer(bytes.subarray(5)) as object
  return { id: bytes.readInt32BE(1), datum: { ...datum } }
}

test('a raw schema is registered under <topic>-value and the record is framed with its id', async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const reports = await streamRecords(app, topic, [
    { key: { type: 'STRING', data: 'k1' }, value: { type: 'AVRO', schema: orderSchema, data: { id: 1, note: null } } },
    { value: { type: 'AVRO', schema: orderSchema, data: { id: 2, note: { string: 'fragile' } } } },
    { value: { type: 'AVRO', schema: orderSchema, data: { id: 3 } } } // note takes its default
  ])
  for (const report of reports)
    assertMatchesSpec('POST', '/clusters/{cluster_id}/topics/{topic_name}/records', 200, report)
  const latest = await registryCall(`/subjects/${topic}-value/versions/latest`)
  assert.equal(latest.status, 200)
  const { id, version } = latest.body as { id: number; version: number }
  assert.equal(version, 1)
  const value = (size: number) => ({ type: 'AVRO', subject: `${topic}-value`, schema_id: id, schema_version: 1, size })
  assert.deepEqual(
    reports.map(({ timestamp: _t, ...r }) => r),
    [
      { error_code: 200, cluster_id: 'c1', topic_name: topic, partition_id: 0, offset: 0, key: { type: 'STRING', size: 2 }, value: value(7) },
      { error_code: 200, cluster_id: 'c1', topic_name: topic, partition_id: 0, offset: 1, value: value(15) },
      { error_code: 200, cluster_id: 'c1', topic_name: topic, partition_id: 0, offset: 2, value: value(7) }
    ] // prettier-ignore
  )
  const messages = await consumeAll(topic, 3)
  assert.equal(messages[0].key.toString(), 'k1')
  assert.deepEqual(
    messages.map(m => unframe(m.value, order)),
    [
      { id, datum: { id: 1, note: null } },
      { id, datum: { id: 2, note: 'fragile' } },
      { id, datum: { id: 3, note: null } }
    ]
  )
})

test('schema_id, schema_version and the latest version pick registered schemas; strategies name subjects', async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const v1 = await register(`${topic}-value`, orderSchema)
  const order2 = { ...order, fields: [...order.fields, { name: 'qty', type: 'int', default: 1 }] }
  const v2 = await register(`${topic}-value`, JSON.stringify(order2))
  const keyId = await register(`${topic}-key`, '"string"')
  const reports = await streamRecords(app, topic, [
    { key: { data: 'k0' }, value: { schema_id: v1, data: { id: 1, note: null } } }, // key: latest of <topic>-key
    { key: { schema_version: 1, data: 'k' }, value: { schema_version: 1, data: { id: 2, note: null } } },
    { value: { data: { id: 3, note: null, qty: 7 } } },
    { value: { type: 'AVRO', schema: orderSchema, subject_name_strategy: 'RECORD_NAME', data: { id: 4 } } },
    { value: { type: 'AVRO', schema: orderSchema, subject_name_strategy: 'TOPIC_RECORD_NAME', data: { id: 5 } } },
    { value: { schema_id: v1, subject: `${topic}-value`, data: { id: 6, note: null } } }
  ])
  const sides = reports.map(r => [r.key, r.value])
  const side = (subject: string, id: number, version: number, size: number) => ({
    type: 'AVRO',
    subject,
    schema_id: id,
    schema_version: version,
    size
  })
  const record = await registryCall(`/subjects/com.acme.Order/versions/latest`)
  const topicRecord = await registryCall(`/subjects/${topic}-com.acme.Order/versions/latest`)
  assert.deepEqual((record.body as { id: number }).id, v1) // same schema text, same id
  assert.deepEqual((topicRecord.body as { id: number }).id, v1)
  assert.deepEqual(sides, [
    [side(`${topic}-key`, keyId, 1, 8), side(`${topic}-value`, v1, 1, 7)],
    [side(`${topic}-key`, keyId, 1, 7), side(`${topic}-value`, v1, 1, 7)],
    [undefined, side(`${topic}-value`, v2, 2, 8)],
    [undefined, side('com.acme.Order', v1, (record.body as { version: number }).version, 7)],
    [undefined, side(`${topic}-com.acme.Order`, v1, 1, 7)],
    [undefined, side(`${topic}-value`, v1, 1, 7)]
  ])
})

test('per-record errors: invalid schema 42205, registry failures 42207, bad data and arguments 400', async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const bad = '{"type":"record","name":"R","fields":[{"name":"a","type":"nope"}]}'
  const reports = await streamRecords(app, topic, [
    { value: { type: 'AVRO', schema: bad, data: {} } },
    { value: { type: 'AVRO', schema: orderSchema, data: { id: 'x' } } },
    { value: { type: 'AVRO', schema: orderSchema, data: null } },
    { value: { schema_id: 987654321, data: 1 } },
    { value: { data: 1 } }, // no version under <topic>-value yet
    { value: { schema_version: 1, subject_name_strategy: 'RECORD_NAME', data: 1 } },
    { value: { type: 'AVRO', data: 1 } },
    { value: { schema_id: 1, schema_version: 1, data: 1 } },
    { value: { subject: 's', subject_name_strategy: 'TOPIC_NAME', data: 1 } },
    { value: { type: 'PROTOBUF', schema: 'syntax = "proto3"; message M {', data: {} } },
    { value: { schema_version: 9, data: 1 } },
    { value: { type: 'AVRO', schema: '["null","string"]', data: null } } // null is a datum of this schema
  ])
  const registryDown = (what: string) =>
    new RegExp(`^Error: 42207 : Error serializing message\\. ${what}: .+; error code: 404\\d{2}$`)
  const expected: [number, string | RegExp][] = [
    [422, `Error: 42205 : Invalid schema: Error when parsing raw schema. format = AVRO, schema = ${bad}`],
    [400, 'Bad Request: Expected long. Got VALUE_STRING (at .id)'],
    [400, 'Bad Request: Expected record. Got VALUE_NULL'],
    [422, registryDown('Error when fetching schema by id\\. schemaId = 987654321')],
    [422, registryDown(`Error when fetching latest schema version\\. subject = ${topic}-value`)],
    [400, 'Bad Request: Cannot use schema_subject_strategy=RECORD_NAME without schema_id or schema.'],
    [400, 'Bad Request: type AVRO needs a schema (raw schemas only; use schema_id without a type)'],
    [400, 'Bad Request: schema_id and schema_version cannot be used together'],
    [400, 'Bad Request: subject and subject_name_strategy cannot be used together'],
    [
      422,
      'Error: 42205 : Invalid schema: Error when parsing raw schema. format = PROTOBUF, schema = syntax = "proto3"; message M {'
    ],
    [400, `Bad Request: Schema does not exist for subject: ${topic}-value, version: 9`],
    [200, '']
  ]
  assert.equal(reports.length, expected.length)
  reports.forEach((report, i) => {
    assert.equal(report.error_code, expected[i][0], JSON.stringify(report))
    if (expected[i][0] !== 200)
      assert.match(
        report.message as string,
        typeof expected[i][1] === 'string' ? new RegExp(`^${escape(expected[i][1])}$`) : expected[i][1]
      )
  })
  const [message] = await consumeAll(topic, 1)
  assert.deepEqual(message.value.subarray(5), Buffer.from([0]))
})

test('records keep their request order while schemas are looked up', async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const records = Array.from({ length: 30 }, (_, i) =>
    i % 3 === 0
      ? { value: { type: 'AVRO', schema: JSON.stringify({ ...order, name: `O${i}` }), data: { id: i } } }
      : { value: { type: 'STRING', data: String(i) } }
  )
  const reports = await streamRecords(app, topic, records)
  assert.deepEqual(
    reports.map(r => r.offset),
    records.map((_, i) => i)
  )
  const messages = await consumeAll(topic, records.length)
  assert.deepEqual(
    messages.map(m =>
      m.value[0] === 0 ? Number((unframe(m.value, order).datum as { id: number }).id) : Number(m.value.toString())
    ),
    records.map((_, i) => i)
  )
})

test("batch: schema'd entries succeed or fail on their own, in entry order", async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const id = await register(`${topic}-value`, orderSchema) // entries are serialized concurrently: 'c' needs it first
  const body = await batchRecords(app, topic, [
    { id: 'a', value: { type: 'AVRO', schema: orderSchema, data: { id: 1 } } },
    { id: 'b', value: { type: 'AVRO', schema: orderSchema, data: { id: true } } },
    { id: 'c', key: { type: 'STRING', data: 'k' }, value: { data: { id: 3, note: { string: 'x' } } } }
  ])
  const value = (size: number) => ({ type: 'AVRO', subject: `${topic}-value`, schema_id: id, schema_version: 1, size })
  assert.deepEqual(
    body.successes.map(({ timestamp: _t, ...s }: Record<string, unknown>) => s),
    [
      { id: 'a', cluster_id: 'c1', topic_name: topic, partition_id: 0, offset: 0, value: value(7) },
      { id: 'c', cluster_id: 'c1', topic_name: topic, partition_id: 0, offset: 1, key: { type: 'STRING', size: 1 }, value: value(9) }
    ] // prettier-ignore
  )
  assert.deepEqual(body.failures, [
    { id: 'b', error_code: 400, message: 'Bad Request: Expected long. Got VALUE_TRUE (at .id)' }
  ])
})

test("without schema.registry.url a schema'd side is 42206, as before", async t => {
  const topic = await createTopic(t)
  const app = await startProxy(t)
  const [report] = await streamRecords(app, topic, [{ value: { type: 'AVRO', schema: orderSchema, data: { id: 1 } } }])
  assert.deepEqual(report, {
    error_code: 422,
    message: 'Error: 42206 : Payload error. Schema Registry must be configured when using schemas.'
  })
})

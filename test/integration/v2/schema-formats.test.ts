// Protobuf and JSON Schema through v2 end to end, against the run's broker and Schema Registry: records produced
// with v2 (a raw schema, then its id) are read back by an instance of the same format as exactly the JSON form
// upstream answers, keys included; an instance of the other format refuses them with 40801.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { type FastifyInstance } from 'fastify'
import { startProxy } from '../../helpers/app.ts'
import { createConsumer, post204, readN, readRecords, V2 } from '../../helpers/consumers.ts'
import { consumeAll, createTopic, uniqueName } from '../../helpers/kafka.ts'
import { schemaRegistryUrl } from '../../helpers/registry.ts'

const PROTOBUF = 'application/vnd.kafka.protobuf.v2+json'
const JSONSCHEMA = 'application/vnd.kafka.jsonschema.v2+json'

const withRegistry = (t: TestContext) => startProxy(t, { 'schema.registry.url': schemaRegistryUrl() })

function produce(app: FastifyInstance, topic: string, type: string, body: unknown) {
  return app.inject({
    method: 'POST',
    url: `/topics/${topic}`,
    headers: { 'content-type': type, accept: V2 },
    payload: JSON.stringify(body)
  })
}

async function instance(app: FastifyInstance, format: string, topic: string): Promise<string> {
  const path = await createConsumer(app, uniqueName(`g-${format}`), { format, 'auto.commit.enable': 'false' })
  await post204(app, `${path}/assignments`, { partitions: [{ topic, partition: 0 }] })
  await post204(app, `${path}/positions/beginning`, { partitions: [{ topic, partition: 0 }] })
  return path
}

const protoSchema = `syntax = "proto3";
package com.acme;
import "google/protobuf/timestamp.proto";
message Payment {
  int64 id = 1;
  string note = 2;
  repeated string tags = 3;
  google.protobuf.Timestamp at = 4;
  Kind kind = 5;
  enum Kind { CARD = 0; CASH = 1; }
}`

void test('protobuf: v2 produce (raw schema, then its id) and a protobuf instance reading the JSON form back', async t => {
  const app = await withRegistry(t)
  const topic = await createTopic(t)
  const first = await produce(app, topic, PROTOBUF, {
    key_schema: 'syntax = "proto3"; package com.acme; message Key { string id = 1; }',
    value_schema: protoSchema,
    records: [
      { key: { id: 'k1' }, value: { id: '1', note: 'fragile', tags: ['a', 'b'], at: '2026-11-22T10:00:00.5Z', kind: 'CASH' } }, // prettier-ignore
      { value: { id: '9007199254740993' } }
    ]
  })
  assert.equal(first.statusCode, 200, first.body)
  const ids = first.json<{ key_schema_id: number; value_schema_id: number }>()
  assert.ok(ids.key_schema_id > 0 && ids.value_schema_id > 0 && ids.key_schema_id !== ids.value_schema_id)
  const second = await produce(app, topic, PROTOBUF, {
    value_schema_id: ids.value_schema_id,
    records: [{ value: { note: 'by id', kind: 1 } }]
  })
  assert.equal(second.statusCode, 200, second.body)
  assert.equal(second.json().value_schema_id, ids.value_schema_id)

  // the value frames: magic 0, the schema id, message index 0 (the first message), then the Protobuf binary
  const raw = await consumeAll(topic, 3)
  for (const message of raw) {
    assert.equal(message.value[0], 0)
    assert.equal(message.value.readInt32BE(1), ids.value_schema_id)
    assert.equal(message.value[5], 0)
  }

  const path = await instance(app, 'protobuf', topic)
  const records = await readN(app, path, 3, { accept: PROTOBUF })
  // Java's JsonFormat printer with default values, as upstream: every field, int64 as strings, enums by name
  assert.deepEqual(
    records.map(r => [r.key, r.value]),
    [
      [{ id: 'k1' }, { id: '1', note: 'fragile', tags: ['a', 'b'], at: '2026-11-22T10:00:00.500Z', kind: 'CASH' }],
      [null, { id: '9007199254740993', note: '', tags: [], kind: 'CARD' }],
      [null, { id: '0', note: 'by id', tags: [], kind: 'CASH' }]
    ]
  )

  // a jsonschema instance refuses Protobuf frames
  const other = await instance(app, 'jsonschema', topic)
  const refused = await readRecords(app, other, { timeout: 3000 }, JSONSCHEMA)
  assert.equal(refused.statusCode, 408, refused.body)
  assert.equal(refused.json().error_code, 40801)
  assert.match(refused.json().message, /a protobuf schema, not jsonschema/)
})

const jsonSchema = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Order',
  type: 'object',
  properties: { id: { type: 'integer' }, email: { type: 'string', format: 'email' }, lines: { type: 'array' } },
  required: ['id']
})

void test('jsonschema: v2 produce validates and writes the JSON text; a jsonschema instance reads it back', async t => {
  const app = await withRegistry(t)
  const topic = await createTopic(t)
  const bad = await produce(app, topic, JSONSCHEMA, {
    value_schema: jsonSchema,
    records: [{ value: { id: 1 } }, { value: { id: 'two' } }]
  })
  assert.deepEqual(
    [bad.statusCode, bad.json()],
    [400, { error_code: 400, message: 'Bad Request: #/id: must be integer' }]
  )
  const ok = await produce(app, topic, JSONSCHEMA, {
    value_schema: jsonSchema,
    records: [{ value: { id: 12345678901, email: 'a@example.com', lines: [1.5, 'x', null] } }, { value: null }]
  })
  assert.equal(ok.statusCode, 200, ok.body)
  const { value_schema_id: id } = ok.json<{ value_schema_id: number }>()

  // nothing of the refused request was written: the first record is the good one, its JSON text after the header
  const raw = await consumeAll(topic, 2)
  assert.equal(raw[0].value.readInt32BE(1), id)
  assert.equal(raw[0].value.subarray(5).toString(), '{"id":12345678901,"email":"a@example.com","lines":[1.5,"x",null]}')
  assert.equal(raw[1].value ?? null, null) // a Kafka null, as upstream writes a null without a schema

  const path = await instance(app, 'jsonschema', topic)
  const records = await readN(app, path, 2, { accept: JSONSCHEMA })
  assert.deepEqual(
    records.map(r => [r.offset, r.value]),
    [
      [0, { id: 12345678901, email: 'a@example.com', lines: [1.5, 'x', null] }],
      [1, null]
    ]
  )
})

// v3 produce of Protobuf data through the real Schema Registry of the run (Apicurio, Confluent API): raw schemas
// (registered under the subject strategy; RECORD_NAME uses the first message's full name), schema_id,
// schema_version and the latest version, a schema importing another subject's schema by reference and a
// well-known type without one; the delivery reports, and the exact bytes in Kafka (magic byte, schema id, message
// indexes [0] as the single byte 0, then the Protobuf binary, written out here by hand); bad data and bad schemas.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { startProxy } from '../../helpers/app.ts'
import { streamRecords } from '../../helpers/v3.ts'
import { consumeAll, createTopic } from '../../helpers/kafka.ts'
import { registryCall, schemaRegistryUrl } from '../../helpers/registry.ts'

// A package of its own per test: RECORD_NAME subjects are shared by every test of the run.
const orderProto = (pkg: string, extra = '') => `syntax = "proto3";
package ${pkg};

message Order {
  int64 id = 1;
  string note = 2;
  repeated string tags = 3;
  Line line = 4;${extra}
  message Line {
    string sku = 1;
    int32 qty = 2;
  }
}
message Audit {
  string by = 1;
}
`

const packageOf = (topic: string) => `p${topic.replace(/[^a-zA-Z0-9]/g, '')}.acme`
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const withRegistry = (t: TestContext) => startProxy(t, { 'schema.registry.url': schemaRegistryUrl() })

interface Reference {
  name: string
  subject: string
  version: number
}

async function register(subject: string, schema: string, references: Reference[] = []): Promise<number> {
  const res = await registryCall(`/subjects/${subject}/versions`, {
    body: { schema, schemaType: 'PROTOBUF', references }
  })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return (res.body as { id: number }).id
}

/** Confluent's frame of a record of the first message: magic 0, schema id, message indexes [0] (one 0 byte). */
const framed = (id: number, payload: string) => {
  const header = Buffer.alloc(6)
  header.writeInt32BE(id, 1)
  return Buffer.concat([header, Buffer.from(payload, 'hex')]).toString('hex')
}

const side = (subject: string, id: number, version: number, size: number) => ({
  type: 'PROTOBUF',
  subject,
  schema_id: id,
  schema_version: version,
  size
})

test('a raw schema is registered under <topic>-value and records are framed with its id and indexes', async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const schema = orderProto(packageOf(topic))
  const reports = await streamRecords(app, topic, [
    { key: { type: 'STRING', data: 'k1' }, value: { type: 'PROTOBUF', schema, data: { id: 1, note: 'hi' } } },
    { value: { type: 'PROTOBUF', schema, data: { id: '9007199254740993', tags: ['a'], line: { sku: 'A', qty: 2 } } } }, // prettier-ignore
    { value: { type: 'PROTOBUF', schema, data: {} } } // every field at its default: an empty payload
  ])
  const latest = await registryCall(`/subjects/${topic}-value/versions/latest`)
  assert.equal(latest.status, 200)
  const { id, version, schemaType } = latest.body as { id: number; version: number; schemaType: string }
  assert.deepEqual([version, schemaType], [1, 'PROTOBUF'])
  const value = (size: number) => side(`${topic}-value`, id, 1, size)
  assert.deepEqual(
    reports.map(({ timestamp: _t, ...r }) => r),
    [
      { error_code: 200, cluster_id: 'c1', topic_name: topic, partition_id: 0, offset: 0, key: { type: 'STRING', size: 2 }, value: value(12) },
      { error_code: 200, cluster_id: 'c1', topic_name: topic, partition_id: 0, offset: 1, value: value(25) },
      { error_code: 200, cluster_id: 'c1', topic_name: topic, partition_id: 0, offset: 2, value: value(6) }
    ] // prettier-ignore
  )
  const messages = await consumeAll(topic, 3)
  assert.equal(messages[0].key.toString(), 'k1')
  assert.deepEqual(
    messages.map(m => m.value.toString('hex')),
    [
      framed(id, '0801' + '12026869'), // id 1, note "hi"
      framed(id, '088180808080808010' + '1a0161' + '2205' + '0a0141' + '1002'), // 2^53+1, tags, line
      framed(id, '')
    ]
  )
})

test('schema_id, schema_version and the latest version pick registered schemas; strategies name subjects', async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const pkg = packageOf(topic)
  const v1 = await register(`${topic}-value`, orderProto(pkg))
  const v2 = await register(`${topic}-value`, orderProto(pkg, '\n  string channel = 5;'))
  const keyId = await register(
    `${topic}-key`,
    `syntax = "proto3";\npackage ${pkg};\nmessage Key {\n  string k = 1;\n}\n`
  )
  const raw = orderProto(pkg)
  const reports = await streamRecords(app, topic, [
    { key: { data: { k: 'x' } }, value: { schema_id: v1, data: { id: 1 } } }, // key: latest of <topic>-key
    { key: { schema_version: 1, data: {} }, value: { schema_version: 1, data: { id: 2 } } },
    { value: { data: { id: 3, channel: 'web' } } }, // latest: version 2
    { value: { type: 'PROTOBUF', schema: raw, subject_name_strategy: 'RECORD_NAME', data: { id: 4 } } },
    { value: { type: 'PROTOBUF', schema: raw, subject_name_strategy: 'TOPIC_RECORD_NAME', data: { id: 5 } } },
    { value: { schema_id: v1, subject: `${topic}-value`, data: { id: 6 } } }
  ])
  const record = await registryCall(`/subjects/${pkg}.Order/versions/latest`)
  const topicRecord = await registryCall(`/subjects/${topic}-${pkg}.Order/versions/latest`)
  assert.deepEqual([record.status, topicRecord.status], [200, 200])
  assert.equal((record.body as { id: number }).id, v1) // the same schema text: the same id
  assert.equal((topicRecord.body as { id: number }).id, v1)
  assert.deepEqual(
    reports.map(r => [r.error_code, r.key, r.value]),
    [
      [200, side(`${topic}-key`, keyId, 1, 9), side(`${topic}-value`, v1, 1, 8)],
      [200, side(`${topic}-key`, keyId, 1, 6), side(`${topic}-value`, v1, 1, 8)],
      [200, undefined, side(`${topic}-value`, v2, 2, 13)],
      [200, undefined, side(`${pkg}.Order`, v1, 1, 8)],
      [200, undefined, side(`${topic}-${pkg}.Order`, v1, 1, 8)],
      [200, undefined, side(`${topic}-value`, v1, 1, 8)]
    ]
  )
  const messages = await consumeAll(topic, 6)
  assert.deepEqual(
    messages.map(m => [m.key?.toString('hex') ?? null, m.value.toString('hex')]),
    [
      [framed(keyId, '0a0178'), framed(v1, '0801')],
      [framed(keyId, ''), framed(v1, '0802')],
      [null, framed(v2, '0803' + '2a03776562')], // channel = 5: "web"
      [null, framed(v1, '0804')],
      [null, framed(v1, '0805')],
      [null, framed(v1, '0806')]
    ]
  )
})

test('a schema importing another subject by reference and a well-known type without one', async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const pkg = packageOf(topic)
  const money = `syntax = "proto3";\npackage ${pkg}.common;\n\nmessage Money {\n  int64 cents = 1;\n  string currency = 2;\n}\n`
  await register(`${topic}-money`, money)
  const invoice = `syntax = "proto3";
package ${pkg};

import "${pkg}/money.proto";
import "google/protobuf/timestamp.proto";

message Invoice {
  ${pkg}.common.Money total = 1;
  google.protobuf.Timestamp at = 2;
}
`
  const id = await register(`${topic}-value`, invoice, [
    { name: `${pkg}/money.proto`, subject: `${topic}-money`, version: 1 }
  ])
  const data = { total: { cents: '1999', currency: 'EUR' }, at: '1970-01-01T00:00:01.500Z' }
  const reports = await streamRecords(app, topic, [{ value: { data } }, { value: { schema_id: id, data } }])
  const payload = '0a08' + '08cf0f' + '1203455552' + '1208' + '0801' + '1080cab5ee01' // Money, then Timestamp
  assert.deepEqual(
    reports.map(r => [r.error_code, r.value]),
    [
      [200, side(`${topic}-value`, id, 1, 6 + 20)],
      [200, side(`${topic}-value`, id, 1, 6 + 20)]
    ]
  )
  const messages = await consumeAll(topic, 2)
  assert.deepEqual(
    messages.map(m => m.value.toString('hex')),
    [framed(id, payload), framed(id, payload)]
  )
})

test('data that does not fit the schema is a 400 and nothing is written; bad schemas are 42205', async t => {
  const topic = await createTopic(t)
  const app = await withRegistry(t)
  const schema = orderProto(packageOf(topic))
  const unparsable = 'syntax = "proto3"; message M { int32 a = 1 }'
  const unknownImport = 'syntax = "proto3"; import "nowhere.proto"; message M { int32 a = 1; }'
  const reports = await streamRecords(app, topic, [
    { value: { type: 'PROTOBUF', schema, data: { id: 1, nope: true } } },
    { value: { type: 'PROTOBUF', schema, data: { id: 'one' } } },
    { value: { type: 'PROTOBUF', schema, data: { line: [] } } },
    { value: { type: 'PROTOBUF', schema, data: null } },
    { value: { type: 'PROTOBUF', schema: unparsable, data: {} } },
    { value: { type: 'PROTOBUF', schema: unknownImport, data: {} } },
    { value: { type: 'PROTOBUF', schema, data: { id: 7 } } }
  ])
  const invalid = (text: string) =>
    `Error: 42205 : Invalid schema: Error when parsing raw schema. format = PROTOBUF, schema = ${text}`
  const expected: [number, string][] = [
    [400, `Bad Request: Cannot find field: nope in message ${packageOf(topic)}.Order`],
    [400, 'Bad Request: Not an int64 value: "one"'],
    [400, 'Bad Request: Expect message object but got: []'],
    [400, 'Bad Request: Expect message object but got: null'],
    [422, invalid(unparsable)],
    [422, invalid(unknownImport)]
  ]
  assert.equal(reports.length, expected.length + 1)
  expected.forEach(([code, message], i) => {
    assert.equal(reports[i].error_code, code, JSON.stringify(reports[i]))
    assert.match(reports[i].message as string, new RegExp(`^${escape(message)}$`))
  })
  assert.equal(reports[6].offset, 0) // the refused records took no offset: nothing of them was written
  const [message] = await consumeAll(topic, 1)
  assert.equal(message.value.subarray(5).toString('hex'), '000807')
})

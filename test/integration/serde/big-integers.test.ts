// Integers beyond 2^53 in produce requests reach Kafka with every digit, as upstream (Jackson) keeps them: v2 json,
// v3 JSON, an Avro long (v2), a Protobuf int64 (v3) and a JSON Schema integer (v3), each read back from Kafka raw.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startProxy } from '../../helpers/app.ts'
import { V2 } from '../../helpers/consumers.ts'
import { consumeAll, createTopic } from '../../helpers/kafka.ts'
import { schemaRegistryUrl } from '../../helpers/registry.ts'
import { parseAvroSchema } from '../../../src/serde/avro.ts'

const BIG = '12345678901234567890' // beyond int64 too: fine for JSON, refused by an Avro long
const ID = '9007199254740993' // 2^53 + 1, the first integer a double cannot hold

void test('big integers survive v2 json, v3 JSON, Avro longs, Protobuf int64 and JSON Schema integers', async t => {
  const app = await startProxy(t, { 'schema.registry.url': schemaRegistryUrl() })
  const topic = await createTopic(t)
  const post = (type: string, payload: string) =>
    app.inject({ method: 'POST', url: `/topics/${topic}`, headers: { 'content-type': type, accept: V2 }, payload })

  const json = await post('application/vnd.kafka.json.v2+json', `{"records":[{"value":{"n":${BIG},"f":1.5}}]}`)
  assert.equal(json.statusCode, 200, json.body)
  const avroSchema = '{"type":"record","name":"Big","fields":[{"name":"id","type":"long"}]}'
  const avro = await post(
    'application/vnd.kafka.avro.v2+json',
    JSON.stringify({ value_schema: avroSchema, records: [] }).replace('[]', `[{"value":{"id":${ID}}}]`)
  )
  assert.equal(avro.statusCode, 200, avro.body)
  const tooBig = await post(
    'application/vnd.kafka.avro.v2+json',
    JSON.stringify({ value_schema: avroSchema, records: [] }).replace('[]', `[{"value":{"id":${BIG}}}]`)
  )
  assert.equal(tooBig.statusCode, 400, tooBig.body) // beyond a long: refused, not wrapped

  const raw = await app.inject({
    method: 'POST',
    url: `/v3/clusters/c1/topics/${topic}/records`,
    headers: { 'content-type': 'application/json' },
    payload: [
      `{"value":{"type":"JSON","data":[${BIG}]}}`,
      `{"value":{"type":"PROTOBUF","schema":"syntax = \\"proto3\\"; message Big { int64 id = 1; }","data":{"id":${ID}}}}`,
      `{"value":{"type":"JSONSCHEMA","schema":${JSON.stringify(JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { id: { type: 'integer' } } }))},"data":{"id":${BIG}}}}` // prettier-ignore
    ].join('\n')
  })
  const codes = raw.body
    .split('\r\n')
    .filter(Boolean)
    .map(line => (JSON.parse(line) as { error_code: number }).error_code)
  assert.deepEqual(codes, [200, 200, 200], raw.body)

  const records = await consumeAll(topic, 5)
  assert.equal(records[0].value.toString(), `{"n":${BIG},"f":1.5}`)
  assert.equal(parseAvroSchema(avroSchema).decode(records[1].value.subarray(5)), `{"id":${ID}}`)
  assert.equal(records[2].value.toString(), `[${BIG}]`)
  assert.equal(records[4].value.subarray(5).toString(), `{"id":${BIG}}`)
  // Protobuf: magic, id, message index 0, then field 1 as a varint: 2^53 + 1
  const payload = records[3].value.subarray(6)
  assert.equal(payload[0], 0x08)
  let n = 0n
  for (let i = 1, shift = 0n; i < payload.length; i++, shift += 7n) n |= BigInt(payload[i] & 0x7f) << shift
  assert.equal(n, BigInt(ID))
})

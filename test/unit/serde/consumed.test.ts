import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errors } from '../../../src/errors/codes.ts'
import { RestError } from '../../../src/errors/rest-error.ts'
import { type ConsumedRecord, RecordPending } from '../../../src/model/consumer.ts'
import { parseAvroSchema } from '../../../src/serde/avro.ts'
import { recordEncoder, type SchemaDecoders } from '../../../src/serde/consumed.ts'
import { frame } from '../../../src/serde/wire-format.ts'

const record = (over: Partial<ConsumedRecord> = {}): ConsumedRecord => ({
  topic: 'or"ders',
  partition: 2,
  offset: 9007199254740993n,
  timestamp: 1700000000123n,
  key: Buffer.from('k'),
  value: Buffer.from('{"a": [1, 2]}'),
  headers: [
    [Buffer.from('h'), Buffer.from([0xff, 0])],
    [Buffer.from('n'), null]
  ],
  ...over
})

test('binary records: base64 key/value, exact field order, 64-bit offsets written exactly', () => {
  const text = recordEncoder('binary', false)(record({ key: null }))
  assert.equal(
    text,
    '{"topic":"or\\"ders","key":null,"value":"eyJhIjogWzEsIDJdfQ==","partition":2,"offset":9007199254740993}'
  )
})

test('json records: bytes parsed and written compactly; bytes that are not JSON refuse the record with 40801', () => {
  const encode = recordEncoder('json', false)
  assert.equal(
    encode(record({ key: Buffer.from('"k"') })),
    '{"topic":"or\\"ders","key":"k","value":{"a":[1,2]},"partition":2,"offset":9007199254740993}'
  )
  assert.throws(
    () => encode(record()),
    (e: { errorCode: number; status: number }) => e.errorCode === 40801 && e.status === 408
  )
})

test('record.metadata adds timestamp and headers (base64 values, null kept)', () => {
  const text = recordEncoder('binary', true)(record())
  assert.deepEqual(JSON.parse(text.replace('9007199254740993', '1')), {
    topic: 'or"ders',
    key: 'aw==',
    value: 'eyJhIjogWzEsIDJdfQ==',
    partition: 2,
    offset: 1,
    timestamp: 1700000000123,
    headers: [
      { name: 'h', value: '/wA=' },
      { name: 'n', value: null }
    ]
  })
})

test("schema'd records: each frame decoded by the codec of its schema id, the message indexes read for protobuf", () => {
  const codec = parseAvroSchema('{"type":"record","name":"R","fields":[{"name":"n","type":["null","long"]}]}')
  const seen: { id: number; indexes?: readonly number[] }[] = []
  const decoders: SchemaDecoders = {
    get: id => ({
      format: id === 9 ? 'protobuf' : 'avro',
      codec: {
        ...codec,
        decode: (payload, indexes) => (seen.push({ id, indexes }), codec.decode(payload))
      }
    })
  }
  const avro = recordEncoder('avro', false, decoders)
  const value = frame(7, codec.encode({ n: { long: 9007199254740993n } }))
  assert.equal(
    avro(record({ key: null, value })),
    '{"topic":"or\\"ders","key":null,"value":{"n":{"long":9007199254740993}},"partition":2,"offset":9007199254740993}'
  )
  const protobuf = recordEncoder('protobuf', false, decoders)
  assert.equal(
    protobuf(record({ key: null, value: frame(9, codec.encode({ n: null }), [1, 0]) })),
    '{"topic":"or\\"ders","key":null,"value":{"n":null},"partition":2,"offset":9007199254740993}'
  )
  assert.deepEqual(seen, [
    { id: 7, indexes: undefined },
    { id: 9, indexes: [1, 0] }
  ])
})

test("schema'd records refused with 40801: no frame, a schema of another format, a payload that does not decode", () => {
  const codec = parseAvroSchema('"long"')
  const decoders: SchemaDecoders = {
    get(id) {
      if (id === 404) throw new RestError(errors.serialization, 'Error deserializing message. Schema 404 not found')
      if (id === 403) throw new RestError(errors.kafkaAuthorization, 'not allowed')
      if (id === 0) throw new RecordPending(Promise.resolve())
      return { format: id === 2 ? 'jsonschema' : 'avro', codec }
    }
  }
  const encode = recordEncoder('avro', false, decoders)
  const refused = (bytes: Buffer, message: string) =>
    assert.throws(
      () => encode(record({ key: bytes })),
      (e: RestError) => e.errorCode === 40801 && e.status === 408 && e.message === message
    )
  const at = 'Error deserializing message: the key of or"ders-2 at offset 9007199254740993'
  refused(Buffer.from('{"plain":"json"}'), `${at} is not in the Confluent wire format: Unknown magic byte!`)
  refused(Buffer.from([0, 0, 1]), `${at} is not in the Confluent wire format: Record of 3 bytes is too short for the Confluent wire format`) // prettier-ignore
  refused(frame(2, Buffer.from([2])), `${at} names schema id 2, a jsonschema schema, not avro`)
  refused(frame(404, Buffer.from([2])), `${at} names schema id 404: Schema 404 not found`)
  refused(frame(1, Buffer.from([0x80])), `${at} does not decode with schema id 1: Not an Avro datum of the schema: truncated buffer`) // prettier-ignore
  // a refusal by the registry keeps its own code; a schema being fetched is not an error
  assert.throws(
    () => encode(record({ key: frame(403, Buffer.alloc(0)) })),
    (e: RestError) => e.errorCode === 40301
  )
  assert.throws(() => encode(record({ key: frame(0, Buffer.alloc(0)) })), RecordPending)
  assert.throws(() => recordEncoder('avro', false), /No decoder for format avro/)
})

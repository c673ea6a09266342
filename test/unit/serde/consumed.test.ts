import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errors } from '../../../src/errors/codes.ts'
import { RestError } from '../../../src/errors/rest-error.ts'
import { type ConsumedRecord, RecordPending } from '../../../src/model/consumer.ts'
import { parseAvroSchema } from '../../../src/serde/avro.ts'
import { type ConsumerFormat, RecordsBody, recordWriter, type SchemaDecoders } from '../../../src/serde/consumed.ts'
import { frame } from '../../../src/serde/wire-format.ts'
import { consumedRecord } from '../../helpers/records.ts'

// The largest offset read exactly (offsets are numbers: see fetched-records.ts).
const record = (over: Parameters<typeof consumedRecord>[0] = {}): ConsumedRecord =>
  consumedRecord({
    topic: 'or"ders',
    partition: 2,
    offset: 9007199254740991,
    timestamp: 1700000000123,
    key: Buffer.from('k'),
    value: Buffer.from('{"a": [1, 2]}'),
    headers: new Map([
      [Buffer.from('h'), Buffer.from([0xff, 0])],
      [Buffer.from('n'), null]
    ]),
    ...over
  })

/** One record's JSON text, as a read body holding only it writes it. */
function recordEncoder(format: ConsumerFormat, metadata: boolean, decoders?: SchemaDecoders) {
  const write = recordWriter(format, metadata, decoders)
  return (r: ConsumedRecord) => {
    const body = new RecordsBody(write)
    body.add(r)
    return body.finish().toString().slice(1, -1)
  }
}

test('binary records: base64 key/value, exact field order, offsets up to 2^53 written exactly', () => {
  const text = recordEncoder('binary', false)(record({ key: null }))
  assert.equal(
    text,
    '{"topic":"or\\"ders","key":null,"value":"eyJhIjogWzEsIDJdfQ==","partition":2,"offset":9007199254740991}'
  )
})

test('json records: bytes passed through compactly; bytes that are not JSON refuse the record with 40801', () => {
  const encode = recordEncoder('json', false)
  assert.equal(
    encode(record({ key: Buffer.from('"k"'), value: Buffer.from('{"a": [1, 2.50, 12345678901234567890]}') })),
    '{"topic":"or\\"ders","key":"k","value":{"a":[1,2.50,12345678901234567890]},"partition":2,"offset":9007199254740991}'
  )
  assert.throws(
    () => encode(record({ key: Buffer.from('k') })),
    (e: RestError) =>
      e.errorCode === 40801 &&
      e.status === 408 &&
      e.message ===
        'Error deserializing message: the key of or"ders-2 at offset 9007199254740991 is not JSON text in UTF-8.'
  )
})

test('a refused record leaves the body as it was; records are comma-separated in one array', () => {
  const body = new RecordsBody(recordWriter('json', false))
  body.add(record({ key: null, value: Buffer.from('1') }))
  assert.throws(() => body.add(record({ key: null, value: Buffer.from('{"half":') })), RestError)
  body.add(record({ key: null, value: Buffer.from('[2]'), offset: 5 }))
  assert.equal(body.count, 2)
  assert.equal(
    body.finish().toString(),
    '[{"topic":"or\\"ders","key":null,"value":1,"partition":2,"offset":9007199254740991},' +
      '{"topic":"or\\"ders","key":null,"value":[2],"partition":2,"offset":5}]'
  )
})

test('record.metadata adds timestamp and headers (base64 values, null kept)', () => {
  const text = recordEncoder('binary', true)(record())
  assert.deepEqual(JSON.parse(text.replace('9007199254740991', '1')), {
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
    '{"topic":"or\\"ders","key":null,"value":{"n":{"long":9007199254740993}},"partition":2,"offset":9007199254740991}'
  )
  const protobuf = recordEncoder('protobuf', false, decoders)
  assert.equal(
    protobuf(record({ key: null, value: frame(9, codec.encode({ n: null }), [1, 0]) })),
    '{"topic":"or\\"ders","key":null,"value":{"n":null},"partition":2,"offset":9007199254740991}'
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
  const at = 'Error deserializing message: the key of or"ders-2 at offset 9007199254740991'
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
  assert.throws(() => recordWriter('avro', false), /No decoder for format avro/)
})

// Protobuf schemas parsed at run time and their data in the JSON form Confluent's REST Proxy reads (Java's
// JsonFormat parser) and writes (JsonFormat printer including default values), both ways. Interoperability with
// an independent implementation: test/integration/serde/protobuf-interop.test.ts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseProtobufSchema } from '../../../src/serde/protobuf.ts'
import { SchemaDataError, SchemaParseError } from '../../../src/serde/schema-codec.ts'
import { fullOrder, moneyProto, orderProto } from '../../fixtures/protobuf-order.ts'

const order = () => parseProtobufSchema(orderProto, [{ name: 'money.proto', schema: moneyProto }])
const hex = (buffer: Buffer) => buffer.toString('hex')

test('the first message of the file is the one produced; name and message indexes follow Confluent', () => {
  const codec = order()
  assert.equal(codec.name, 'com.acme.Order')
  assert.deepEqual(codec.messageIndexes, [0])
  const plain = parseProtobufSchema('syntax = "proto3"; enum E { A = 0; } message First {} message Second {}')
  assert.equal(plain.name, 'First') // no package: the bare name; enums before it do not count
})

test('encodings match the Protobuf wire format byte for byte', () => {
  const codec = order()
  const cases: [Record<string, unknown>, string][] = [
    [{ id: 150 }, '089601'], // the encoding guide's varint example
    [{ noteText: 'testing' }, '720774657374696e67'],
    [{ qty: -1 }, '10ffffffffffffffffff01'], // negative int32: ten bytes
    [{ delta: -1 }, '2801'], // sint32: zig-zag
    [{ f32: 1 }, '3d01000000'],
    [{ price: 1 }, '61000000000000f03f'],
    [{ tags: ['a'] }, '92010161'], // field 18: a two-byte tag
    [{ at: '1970-01-01T00:00:01.5Z' }, 'ca01080801108' + '0cab5ee01'],
    [{ state: 'SHIPPED', ok: false, qty: 0 }, '800102'], // proto3 defaults are not written
    [{ priority: 0 }, 'c00100'], // an optional field set to its default is
    [{ id: '-9223372036854775808' }, '0880808080808080808001'],
    [{ big: '18446744073709551615' }, '20ffffffffffffffffff01']
  ]
  for (const [json, expected] of cases) assert.equal(hex(codec.encode(json)), expected, JSON.stringify(json))
})

test('every kind of field: JSON form → Protobuf binary → the same JSON form', () => {
  const codec = order()
  const text = codec.decode(codec.encode(fullOrder))
  assert.equal(text, JSON.stringify(fullOrder)) // field-number order, the unset oneof member left out
})

test('unset fields print their defaults, except messages, oneof members and proto3 optional fields', () => {
  const codec = order()
  assert.equal(
    codec.decode(Buffer.alloc(0)),
    '{"id":"0","qty":0,"count":0,"big":"0","delta":0,"offset":"0","f32":0,"f64":"0","sf32":0,"sf64":"0",' +
      '"ratio":0,"price":0,"ok":false,"noteText":"","raw":"","state":"NEW","tags":[],"lines":[],"attrs":{},' +
      '"byNumber":{},"alias":"","flags":{},"byBig":{}}'
  )
  const proto2 = parseProtobufSchema(`syntax = "proto2";
    message M {
      optional int32 a = 1 [default = 7];
      optional E e = 2;
      optional string s = 3 [default = "hi"];
      optional bytes b = 4 [default = "ab\\001"];
      optional int64 l = 5 [default = -5];
      optional float f = 6 [default = inf];
      required string name = 7;
      optional M next = 8;
      enum E { option allow_alias = true; X = 1; Y = 2; Z = 2; }
    }`)
  // proto2 optional scalars print their declared defaults (Java's includingDefaultValueFields)
  assert.equal(
    proto2.decode(proto2.encode({ name: 'n', e: 'Z' })),
    '{"a":7,"e":"Y","s":"hi","b":"YWIB","l":"-5","f":"Infinity","name":"n"}' // an alias prints its first name
  )
})

test('input takes proto names and JSON names, numbers as strings and the other lenient forms of Java', () => {
  const codec = order()
  const decoded = (json: Record<string, unknown>) => JSON.parse(codec.decode(codec.encode(json))) as Record<string, unknown> // prettier-ignore
  const given = decoded({
    note_text: 'proto name',
    renamed: 'by proto name',
    by_number: { '01': 'x' },
    qty: '12',
    count: '1e2',
    id: 1.0,
    big: ' 5'.trim(),
    ratio: 'NaN',
    price: '-Infinity',
    ok: 'true',
    card: 42, // any JSON scalar is a string's text
    state: 2, // an enum by number
    raw: '-_8', // URL-safe base64 without padding
    flags: { false: true },
    priority: null, // null: unset
    line: null
  })
  assert.deepEqual(
    [given.noteText, given.alias, given.byNumber, given.qty, given.count, given.id, given.big],
    ['proto name', 'by proto name', { '1': 'x' }, 12, 100, '1', '5']
  )
  assert.deepEqual(
    [given.ratio, given.price, given.ok, given.card, given.state, given.raw, given.flags],
    ['NaN', '-Infinity', true, '42', 'SHIPPED', '+/8=', { false: true }]
  )
  assert.equal('priority' in given || 'line' in given, false)
  // a number an open enum lacks is kept, and printed as the number
  assert.equal(decoded({ state: 7 }).state, 7)
  // map keys are data: "__proto__" too
  const proto = JSON.parse('{"attrs":{"__proto__":"1"},"meta":{"__proto__":2}}') as Record<string, unknown>
  assert.equal(JSON.stringify([decoded(proto).attrs, decoded(proto).meta]), '[{"__proto__":"1"},{"__proto__":2}]')
})

test('well-known types in their JSON forms', () => {
  const codec = order()
  const roundTrip = (json: Record<string, unknown>) =>
    JSON.parse(codec.decode(codec.encode(json))) as Record<string, unknown>
  const times = ['2024-01-01T00:00:00Z', '2024-01-01T00:00:00.100Z', '2024-01-01T00:00:00.000100Z', '0001-01-01T00:00:00.000000001Z'] // prettier-ignore
  for (const at of times) assert.equal(roundTrip({ at }).at, at)
  assert.equal(roundTrip({ at: '2024-01-01T01:00:00.5+01:30' }).at, '2023-12-31T23:30:00.500Z')
  assert.equal(roundTrip({ at: '9999-12-31T23:59:59.999999999Z' }).at, '9999-12-31T23:59:59.999999999Z')
  for (const ttl of ['0s', '1s', '-0.500s', '3.000000001s', '315576000000s']) assert.equal(roundTrip({ ttl }).ttl, ttl)
  assert.equal(roundTrip({ ttl: '1.5s' }).ttl, '1.500s')
  assert.deepEqual(roundTrip({ extra: null }).extra, null)
  assert.deepEqual(roundTrip({ extra: [1, { a: 'b' }, [true]] }).extra, [1, { a: 'b' }, [true]])
  assert.deepEqual(roundTrip({ meta: {} }).meta, {})
  assert.deepEqual(roundTrip({ maybeId: '-5', maybeNote: '' }), { ...roundTrip({}), maybeId: '-5', maybeNote: '' })
  assert.equal(roundTrip({ mask: '' }).mask, '')
  assert.deepEqual(roundTrip({ detail: {} }).detail, {})
  const any = { '@type': 'type.googleapis.com/google.protobuf.Duration', value: '2s' }
  assert.deepEqual(roundTrip({ detail: any }).detail, any)
  // a message in an Any prints with every field, like any other message
  const audit = { '@type': 'type.googleapis.com/com.acme.Audit' }
  assert.deepEqual(roundTrip({ detail: audit }).detail, { ...audit, by: '' })
})

test('message indexes pick the message of a record, nested ones too', () => {
  const codec = order()
  const audit = Buffer.from('0a036f7073', 'hex') // by: "ops"
  assert.equal(codec.decode(audit, [1]), '{"by":"ops"}')
  assert.equal(codec.decode(Buffer.from('0a0141', 'hex'), [0, 0]), '{"sku":"A","qty":0}') // Order.Line
  assert.equal(codec.decode(Buffer.from('0a0141', 'hex'), [1, 0]), '{"what":"A"}') // Audit.Entry
  assert.equal(codec.decode(audit), codec.decode(audit, [0])) // no indexes: the first message
  for (const indexes of [[2], [0, 1], [1, 0, 0]])
    assert.throws(() => codec.decode(audit, indexes), { name: 'SchemaDataError', message: `Invalid message indexes: [${indexes.join(',')}]` }) // prettier-ignore
})

test('references are imported by name; the well-known types need none; unknown imports fail to parse', () => {
  const base = 'syntax = "proto3"; package base; message Id { string value = 1; }'
  const middle = 'syntax = "proto3"; package mid; import "base.proto"; message Ref { base.Id id = 1; }'
  const top = 'syntax = "proto3"; import "mid/ref.proto"; message Top { mid.Ref ref = 1; }'
  const codec = parseProtobufSchema(top, [
    { name: 'base.proto', schema: base },
    { name: 'mid/ref.proto', schema: middle }
  ])
  assert.equal(codec.name, 'Top')
  assert.equal(hex(codec.encode({ ref: { id: { value: 'x' } } })), '0a050a030a0178')
  assert.throws(() => parseProtobufSchema(top, [{ name: 'mid/ref.proto', schema: middle }]), {
    name: 'SchemaParseError',
    message: 'Import "base.proto" is neither a schema reference nor a well-known type'
  })
})

test("descriptor.proto and Confluent's meta.proto and decimal.proto need no reference either", () => {
  const codec = parseProtobufSchema(`syntax = "proto3";
    package shop;
    import "confluent/meta.proto";
    import "confluent/type/decimal.proto";
    import "google/protobuf/descriptor.proto";
    option (confluent.file_meta).doc = "a shop";
    extend google.protobuf.FieldOptions { string unit = 50001; }
    message Item {
      option (confluent.message_meta) = { doc: "an item", params: [{ key: "k", value: "v" }] };
      string name = 1 [(confluent.field_meta).tags = "PII"];
      confluent.type.Decimal price = 2 [(unit) = "EUR"];
    }`)
  const item = { name: 'x', price: { value: 'BNI=', precision: 6, scale: 2 } } // 12.34
  assert.equal(hex(codec.encode(item)), '0a0178' + '1208' + '0a0204d2' + '1006' + '1802')
  assert.equal(codec.decode(codec.encode(item)), JSON.stringify(item))
})

test('schemas that do not parse are SchemaParseError', () => {
  const bad = [
    ['syntax = "proto3"; message M {', /illegal|end of input/],
    ['syntax = "proto3"; enum E { A = 0; }', /^Protobuf schema definition contains no message type definitions$/],
    ['syntax = "proto3"; message M { Missing m = 1; }', /no such Type or Enum 'Missing'/],
    ['syntax = "proto3"; message M { int32 a = 1; int32 b = 1; }', /duplicate id 1/]
  ] as const
  for (const [schema, message] of bad) assert.throws(() => parseProtobufSchema(schema), (error: Error) => {
    assert.ok(error instanceof SchemaParseError, error.message)
    assert.match(error.message, message)
    return true
  }) // prettier-ignore
})

test('data that does not fit the schema is SchemaDataError with Java parser words', () => {
  const codec = order()
  const cases: [unknown, string][] = [
    [null, 'Expect message object but got: null'],
    [[], 'Expect message object but got: []'],
    [{ nope: 1 }, 'Cannot find field: nope in message com.acme.Order'],
    [{ noteText: 'a', note_text: 'b' }, 'Field com.acme.Order.note_text has already been set.'],
    [{ card: 'x', cash: {} }, 'Cannot set field com.acme.Order.cash because another field com.acme.Order.card belonging to the same oneof has already been set.'], // prettier-ignore
    [{ id: 'x' }, 'Not an int64 value: "x"'],
    [{ id: 1.5 }, 'Not an int64 value: 1.5'],
    [{ id: '9223372036854775808' }, 'Not an int64 value: "9223372036854775808"'],
    [{ qty: 2147483648 }, 'Not an int32 value: 2147483648'],
    [{ qty: true }, 'Not an int32 value: true'],
    [{ count: -1 }, 'Not an uint32 value: -1'],
    [{ big: '-1' }, 'Not an uint64 value: "-1"'],
    [{ ratio: 1e39 }, 'Out of range float value: 1e+39'],
    [{ price: 'x' }, 'Not a double value: "x"'],
    [{ ok: 1 }, 'Invalid bool value: 1'],
    [{ noteText: {} }, 'Not a string value: {}'],
    [{ raw: 'not base64!' }, 'Not a base64 value: "not base64!"'],
    [{ state: 'LOST' }, 'Invalid enum value: LOST for enum type: com.acme.Order.State'],
    [{ line: 'x' }, 'Expect message object but got: "x"'],
    [{ tags: 'x' }, 'Expect an array but found: "x"'],
    [{ tags: [null] }, 'Repeated field elements cannot be null in field: com.acme.Order.tags'],
    [{ attrs: [] }, 'Expect a map object but found: []'],
    [{ attrs: { a: null } }, 'Map value cannot be null.'],
    [{ byNumber: { x: 'y' } }, 'Not an int32 value: "x"'],
    [{ line: { sku: 1, nope: 2 } }, 'Cannot find field: nope in message com.acme.Order.Line'],
    [{ at: '2024-02-30T00:00:00Z' }, 'Failed to parse timestamp: "2024-02-30T00:00:00Z"'],
    [{ at: '2024-01-01 00:00:00Z' }, 'Failed to parse timestamp: "2024-01-01 00:00:00Z"'],
    [{ ttl: '1m' }, 'Failed to parse duration: "1m"'],
    [{ ttl: '315576000001s' }, 'Failed to parse duration: "315576000001s"'],
    [{ meta: [1] }, 'Expect a map object but found: [1]'],
    [{ detail: { by: 'x' } }, 'Missing type url when parsing: {"by":"x"}'],
    [{ detail: { '@type': 'type.googleapis.com/x.Unknown' } }, 'Cannot resolve type: type.googleapis.com/x.Unknown']
  ]
  for (const [json, message] of cases)
    assert.throws(() => codec.encode(json), { name: 'SchemaDataError', message }, JSON.stringify(json))
  const closed = parseProtobufSchema('syntax = "proto2"; message M { required E e = 1; enum E { A = 1; } }')
  assert.throws(() => closed.encode({ e: 2 }), { message: 'Invalid enum value: 2 for enum type: M.E' })
  assert.throws(() => closed.encode({}), { message: 'Message missing required fields: e' })
})

test('bytes that are not a message of the schema are SchemaDataError', () => {
  const codec = order()
  const bad = ['ff', '0a05', '72028080', 'ca010a08ffffffffffffffff7f'] // bad tag, truncated, invalid UTF-8 (proto3), bad Timestamp
  for (const bytes of bad)
    assert.throws(
      () => codec.decode(Buffer.from(bytes, 'hex')),
      (error: Error) => {
        assert.ok(error instanceof SchemaDataError, `${bytes}: ${error.message}`)
        return true
      }
    )
})

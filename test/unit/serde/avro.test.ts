// The JSON form of Avro data that Confluent's REST Proxy reads and writes (Avro's JSON encoding), both ways.
// Interoperability with an independent implementation: test/integration/serde/avro-interop.test.ts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseAvroSchema } from '../../../src/serde/avro.ts'
import { SchemaDataError, SchemaParseError } from '../../../src/serde/schema-codec.ts'
import { orderSchema } from '../../fixtures/avro-order.ts'

const everything = JSON.stringify(orderSchema({ name: 'channel', type: 'string', default: 'web' }))

const order = {
  id: 9007199254740993n, // beyond 2^53: only exact as a BigInt
  qty: -3,
  price: 12.5,
  ratio: 0.1,
  ok: true,
  note: { string: 'fragile' },
  raw: '\u0000\u00ff\u0041',
  hash: '\u00ab\u00cd',
  state: 'DONE',
  tags: ['a', 'b'],
  attrs: { x: 1, y: -2 },
  total: { 'com.acme.Money': { cents: 1999 } },
  amount: '\u0004\u00d2', // 1234 → 12.34 at scale 2
  at: 1700000000000,
  channel: 'api'
}

test('every type: JSON form → Avro binary → the same JSON form', () => {
  const codec = parseAvroSchema(everything)
  assert.equal(codec.name, 'com.acme.Order')
  const bytes = codec.encode(order)
  // spot checks of the binary: long 2^53+1 zig-zagged, then int -3 as 0x05
  assert.equal(bytes.subarray(0, 9).toString('hex'), '828080808080802005')
  assert.equal(
    codec.decode(bytes),
    '{"id":9007199254740993,"qty":-3,"price":12.5,"ratio":0.1,"ok":true,"note":{"string":"fragile"},' +
      '"raw":"\\u0000ÿA","hash":"«Í","state":"DONE","tags":["a","b"],"attrs":{"x":1,"y":-2},' +
      '"total":{"com.acme.Money":{"cents":1999}},"amount":"\\u0004Ò","at":1700000000000,"channel":"api"}'
  )
  // null union branches, special floats, defaults for missing fields
  const plain = { ...order, note: null, total: null, price: 'NaN', ratio: '-Infinity' } as Record<string, unknown>
  delete plain.channel
  const text = codec.decode(codec.encode(plain))
  assert.match(text, /"price":"NaN","ratio":"-Infinity",.*"note":null,.*"total":null,.*"channel":"web"\}$/)
})

test('primitive schemas and unions at the top level', () => {
  assert.equal(parseAvroSchema('"string"').decode(parseAvroSchema('"string"').encode('héllo')), '"héllo"')
  assert.equal(parseAvroSchema('"int"').encode(150).toString('hex'), 'ac02')
  const union = parseAvroSchema('["null","long","string"]')
  assert.equal(union.encode(null).toString('hex'), '00')
  assert.equal(union.encode({ long: 1 }).toString('hex'), '0202')
  assert.equal(union.decode(union.encode({ string: 'x' })), '{"string":"x"}')
  assert.equal(union.name, 'union')
  assert.equal(parseAvroSchema('"long"').name, 'long')
  assert.equal(parseAvroSchema('{"type":"float"}').decode(Buffer.from([0, 0, 0xc0, 0x7f])), '"NaN"')
  assert.equal(parseAvroSchema('"long"').decode(Buffer.from('ffffffffffffffffff01', 'hex')), '-9223372036854775808')
})

test('data that does not fit the schema says what was expected, in Avro JsonDecoder words', () => {
  const codec = parseAvroSchema(everything)
  const refused = (patch: Record<string, unknown>, message: string) =>
    assert.throws(
      () => codec.encode({ ...order, ...patch }),
      (error: Error) => error instanceof SchemaDataError && error.message === message
    )
  refused({ qty: 'three' }, 'Expected int. Got VALUE_STRING (at .qty)')
  refused({ qty: 1.5 }, 'Expected int. Got VALUE_NUMBER_FLOAT (at .qty)')
  refused({ qty: 2 ** 31 }, 'Expected int. Got VALUE_NUMBER_INT (at .qty)')
  refused({ id: null }, 'Expected long. Got VALUE_NULL (at .id)')
  refused({ note: 'fragile' }, 'Expected start-union. Got VALUE_STRING (at .note)')
  refused({ note: { int: 1 } }, 'Unknown union branch int')
  refused({ total: { Money: { cents: 1 } } }, 'Unknown union branch Money') // full names only
  refused({ note: { string: 'a', int: 1 } }, 'A union value is one {"<type>": value}, got 2 keys')
  refused({ state: 'LOST' }, 'Unknown symbol in enum com.acme.State: LOST')
  refused({ hash: 'abc' }, 'Expected fixed length 2, but got 3')
  refused({ raw: '€' }, 'Expected bytes as code points 0-255, got U+20ac at .raw')
  refused({ tags: ['a', 1] }, 'Expected string. Got VALUE_NUMBER_INT (at .tags[1])')
  refused({ attrs: [] }, 'Expected map. Got START_ARRAY (at .attrs)')
  refused({ extra: 1 }, 'Unknown fields in record com.acme.Order: extra')
  const missing = { ...order } as Record<string, unknown>
  delete missing.qty
  assert.throws(() => codec.encode(missing), { message: 'Expected field name not found: qty' })
  assert.throws(() => codec.encode('x'), { message: 'Expected record. Got VALUE_STRING' })
})

test('bytes that are not a datum of the schema are refused', () => {
  const codec = parseAvroSchema(everything)
  assert.throws(() => codec.decode(Buffer.from([0x02])), SchemaDataError)
  assert.throws(() => parseAvroSchema('"int"').decode(Buffer.from([0x02, 0x02])), /trailing data|Not an Avro datum/)
})

test('invalid schemas are refused as such', () => {
  assert.throws(
    () => parseAvroSchema('{"type":'),
    (e: Error) => e instanceof SchemaParseError && /not JSON/.test(e.message)
  )
  assert.throws(() => parseAvroSchema('{"type":"recordz"}'), SchemaParseError)
  assert.throws(
    () => parseAvroSchema('{"type":"record","name":"R","fields":[{"name":"a","type":"Nope"}]}'),
    SchemaParseError
  )
})

test('named types from referenced schemas resolve; recursive schemas work', () => {
  const money = '{"type":"record","name":"Money","namespace":"com.acme","fields":[{"name":"cents","type":"long"}]}'
  const invoice = parseAvroSchema(
    '{"type":"record","name":"Invoice","namespace":"com.acme","fields":[{"name":"total","type":"Money"}]}',
    [{ name: 'com.acme.Money', schema: money }]
  )
  assert.equal(invoice.decode(invoice.encode({ total: { cents: 5 } })), '{"total":{"cents":5}}')

  const list = parseAvroSchema(
    '{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}'
  )
  const value = { v: 1, next: { Node: { v: 2, next: null } } }
  assert.equal(list.decode(list.encode(value)), JSON.stringify(value))
})

test('large datums (beyond the scratch buffer) encode once and whole', () => {
  const codec = parseAvroSchema('{"type":"record","name":"Big","fields":[{"name":"s","type":"string"}]}')
  for (const size of [10, 5000, 20_000, 2_000_000]) {
    const s = 'x'.repeat(size)
    const bytes = codec.encode({ s })
    assert.equal(bytes.length, size + (size < 64 ? 1 : size < 8192 ? 2 : size < 1_048_576 ? 3 : 4))
    assert.equal(codec.decode(bytes), JSON.stringify({ s }))
  }
})

// JSON Schema codec: the draft chosen by $schema, formats, references, vendor keywords, error texts, and schemas
// that share an $id. Agreement with an independent validator: test/integration/serde/json-schema-interop.test.ts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { draftOf, parseJsonSchema } from '../../../src/serde/json-schema.ts'
import { SchemaDataError, SchemaParseError } from '../../../src/serde/schema-codec.ts'

const parse = (schema: object | boolean, references: { name: string; schema: object }[] = []) =>
  parseJsonSchema(
    JSON.stringify(schema),
    references.map(r => ({ name: r.name, schema: JSON.stringify(r.schema) }))
  )

/** true when the codec accepts `data`; the error text when it refuses it. */
function verdict(codec: ReturnType<typeof parse>, data: unknown): true | string {
  try {
    codec.encode(data)
    return true
  } catch (error) {
    assert.ok(error instanceof SchemaDataError, String(error))
    return error.message
  }
}

const draft04 = 'http://json-schema.org/draft-04/schema#'
const draft06 = 'http://json-schema.org/draft-06/schema#'
const draft07 = 'http://json-schema.org/draft-07/schema#'
const draft2019 = 'https://json-schema.org/draft/2019-09/schema'
const draft2020 = 'https://json-schema.org/draft/2020-12/schema'

test('$schema picks the draft; none, or an unknown one, is draft-07 as in Confluent', () => {
  assert.equal(draftOf({ $schema: draft04 }), 'draft-04')
  assert.equal(draftOf({ $schema: 'https://json-schema.org/draft-04/schema' }), 'draft-04')
  assert.equal(draftOf({ $schema: draft06 }), 'draft-06')
  assert.equal(draftOf({ $schema: draft07 }), 'draft-07')
  assert.equal(draftOf({ $schema: draft2019 }), '2019-09')
  assert.equal(draftOf({ $schema: `${draft2020}#` }), '2020-12')
  assert.equal(draftOf({}), 'draft-07')
  assert.equal(draftOf({ $schema: 'https://example.com/my-dialect' }), 'draft-07')
  assert.equal(draftOf(true), 'draft-07')
})

test('draft-04: exclusiveMaximum is a boolean beside maximum; later drafts: a number of its own', () => {
  const old = parse({ $schema: draft04, type: 'number', maximum: 5, exclusiveMaximum: true })
  assert.equal(old.draft, 'draft-04')
  assert.equal(verdict(old, 4.5), true)
  assert.equal(verdict(old, 5), '#: must be < 5')
  // a numeric exclusiveMaximum is not draft-04: its meta-schema wants a boolean (and a maximum beside it)
  assert.throws(() => parse({ $schema: draft04, exclusiveMaximum: 5 }), SchemaParseError)
  for (const $schema of [draft06, draft07, draft2019, draft2020]) {
    const codec = parse({ $schema, type: 'number', exclusiveMaximum: 5 })
    assert.equal(verdict(codec, 4.5), true, $schema)
    assert.equal(verdict(codec, 5), '#: must be < 5', $schema)
  }
  assert.throws(() => parse({ $schema: draft07, exclusiveMaximum: true }), SchemaParseError)
})

test('draft-04 ids are "id"; a draft-06 schema may be a boolean or use const', () => {
  const codec = parse({ $schema: draft04, id: 'https://example.com/a.json', properties: { x: { $ref: '#/definitions/d' } }, definitions: { d: { type: 'string' } } }) // prettier-ignore
  assert.equal(verdict(codec, { x: 1 }), '#/x: must be string')
  const six = parse({ $schema: draft06, properties: { yes: true, no: false, c: { const: 'k' } } })
  assert.equal(six.draft, 'draft-06')
  assert.equal(verdict(six, { yes: 1 }), true)
  assert.equal(verdict(six, { no: 1 }), '#/no: boolean schema is false')
  assert.equal(verdict(six, { c: 'x' }), '#/c: must be equal to constant ("k")')
})

test('2020-12: prefixItems and items; 2019-09 and draft-07: items as an array, additionalItems', () => {
  const tuple = parse({ $schema: draft2020, type: 'array', prefixItems: [{ type: 'integer' }, { type: 'string' }], items: false }) // prettier-ignore
  assert.equal(tuple.draft, '2020-12')
  assert.equal(verdict(tuple, [1, 'a']), true)
  assert.equal(verdict(tuple, ['a']), '#/0: must be integer')
  assert.equal(verdict(tuple, [1, 'a', true]), '#: must NOT have more than 2 items')
  for (const $schema of [draft07, draft2019]) {
    const old = parse({ $schema, type: 'array', items: [{ type: 'integer' }], additionalItems: false })
    assert.equal(verdict(old, [1]), true)
    assert.equal(verdict(old, [1, 2]), '#: must NOT have more than 1 items')
  }
  // prefixItems means nothing before 2020-12: an unknown keyword, ignored
  assert.equal(verdict(parse({ $schema: draft07, prefixItems: [{ type: 'integer' }] }), ['a']), true)
  // 2019-09 knows unevaluatedProperties; draft-07 ignores it
  const closed = { allOf: [{ properties: { a: {} } }], unevaluatedProperties: false }
  assert.equal(verdict(parse({ $schema: draft2019, ...closed }), { a: 1, b: 2 }), '#: must NOT have unevaluated properties ("b")') // prettier-ignore
  assert.equal(verdict(parse({ $schema: draft07, ...closed }), { a: 1, b: 2 }), true)
})

test("formats are checked (the draft's own), unknown formats ignored", () => {
  const codec = parse({
    properties: {
      email: { format: 'email' },
      at: { format: 'date-time' },
      day: { format: 'date' },
      ip: { format: 'ipv4' },
      id: { format: 'int64' }, // OpenAPI's, not JSON Schema's: ignored, as Confluent's validator does
      mine: { format: 'my-own' }
    }
  })
  assert.equal(verdict(codec, { email: 'a@example.com', at: '2024-02-29T12:00:00Z', day: '2024-02-29', ip: '10.0.0.1', id: 'x', mine: 1 }), true) // prettier-ignore
  assert.equal(verdict(codec, { email: 'nope' }), '#/email: must match format "email"')
  assert.equal(verdict(codec, { at: '2024-02-29 12:00' }), '#/at: must match format "date-time"')
  assert.equal(verdict(codec, { day: '2023-02-29' }), '#/day: must match format "date"')
  assert.equal(verdict(codec, { ip: '300.1.1.1' }), '#/ip: must match format "ipv4"')
  // uuid is a format from 2019-09 on
  assert.equal(verdict(parse({ format: 'uuid' }), 'x'), true)
  assert.equal(verdict(parse({ $schema: draft2020, format: 'uuid' }), 'x'), '#: must match format "uuid"')
})

test('vendor keywords parse and are ignored; the title names the schema', () => {
  const codec = parse({
    title: 'com.acme.Order',
    type: 'object',
    'connect.type': 'struct',
    javaType: 'com.acme.Order',
    'confluent:tags': ['PII'],
    properties: { id: { type: 'integer', 'connect.type': 'int64', 'connect.index': 0 } },
    required: ['id']
  })
  assert.equal(codec.name, 'com.acme.Order')
  assert.equal(codec.encode({ id: 9 }).toString(), '{"id":9}')
  assert.equal(parse({ type: 'object' }).name, undefined)
  assert.equal(parse(true).name, undefined)
})

test('the payload is the compact JSON text, UTF-8; top-level scalars and null where the schema allows them', () => {
  const codec = parse({ type: ['object', 'null'] })
  assert.deepEqual(
    codec.encode({ a: [1, 2.5, 'ü✓'], b: { c: null } }),
    Buffer.from('{"a":[1,2.5,"ü✓"],"b":{"c":null}}')
  )
  assert.equal(codec.encode(null).toString(), 'null')
  assert.equal(parse({ type: 'string' }).encode('héllo').toString('hex'), Buffer.from('"héllo"').toString('hex'))
  assert.equal(verdict(parse({ type: 'object' }), null), '#: must be object')
})

test('references: by relative name, against the root $id, transitively, and through ./', () => {
  const country = { type: 'string', enum: ['FR', 'DE'] }
  const address = {
    type: 'object',
    properties: { city: { type: 'string' }, country: { $ref: 'country.json' } },
    required: ['city']
  }
  const references = [
    { name: 'country.json', schema: country },
    { name: 'address.json', schema: address }
  ]
  const order = { type: 'object', properties: { ship: { $ref: 'address.json' }, bill: { $ref: './address.json' } } }
  for (const root of [order, { ...order, $id: 'https://example.com/schemas/order.json' }]) {
    const codec = parse(root, references)
    assert.equal(verdict(codec, { ship: { city: 'Paris', country: 'FR' }, bill: { city: 'Berlin' } }), true)
    assert.equal(verdict(codec, { ship: {} }), "#/ship: must have required property 'city'")
    assert.equal(verdict(codec, { bill: { city: 'x', country: 'IT' } }), '#/bill/country: must be equal to one of the allowed values ("FR", "DE")') // prettier-ignore
  }
  // references named by their full URL (address.json's own "country.json" resolves against its URL)
  const full = parse({ properties: { a: { $ref: 'https://example.com/address.json' } } }, [
    { name: 'https://example.com/country.json', schema: country },
    { name: 'https://example.com/address.json', schema: address }
  ])
  assert.equal(verdict(full, { a: { city: 1 } }), '#/a/city: must be string')
  // without the reference the $ref cannot resolve: not a usable schema
  assert.throws(() => parse(order), { name: 'SchemaParseError', message: /can't resolve reference address\.json/ })
})

test('two schemas with the same $id stay apart, and so do two versions of one subject', () => {
  const id = 'https://example.com/order.json'
  const v1 = parse({ $id: id, properties: { id: { type: 'integer' } } })
  const v2 = parse({ $id: id, properties: { id: { type: 'string' } } })
  assert.equal(verdict(v1, { id: 1 }), true)
  assert.equal(verdict(v1, { id: 'a' }), '#/id: must be integer')
  assert.equal(verdict(v2, { id: 'a' }), true)
  assert.equal(verdict(v2, { id: 1 }), '#/id: must be string')
  // a reference that shares the root's $id is ambiguous inside one schema
  assert.throws(() => parse({ $id: id, $ref: 'a.json' }, [{ name: 'a.json', schema: { $id: id } }]), SchemaParseError)
})

test('error texts: the instance path, what failed, the offending names and values', () => {
  const codec = parse({
    type: 'object',
    properties: {
      qty: { type: 'integer', minimum: 1 },
      tags: { type: 'array', items: { type: 'string' } },
      kind: { oneOf: [{ type: 'integer' }, { type: 'string', maxLength: 2 }] }
    },
    required: ['qty'],
    additionalProperties: false
  })
  assert.equal(verdict(codec, {}), "#: must have required property 'qty'")
  assert.equal(verdict(codec, { qty: 0 }), '#/qty: must be >= 1')
  assert.equal(verdict(codec, { qty: 1, tags: ['a', 2] }), '#/tags/1: must be string')
  assert.equal(verdict(codec, { qty: 1, extra: true }), '#: must NOT have additional properties ("extra")')
  assert.equal(
    verdict(codec, { qty: 1, kind: 'abc' }),
    '#/kind: must be integer; #/kind: must NOT have more than 2 characters; #/kind: must match exactly one schema in oneOf'
  )
  assert.equal(verdict(parse({ properties: { 'a/b': { type: 'null' } } }), { 'a/b': 1 }), '#/a~1b: must be null')
})

test('unparsable schemas: not JSON, not a schema, against the meta-schema, bad patterns, bad references', () => {
  const parseError = (text: string, message: RegExp) =>
    assert.throws(() => parseJsonSchema(text, []), { name: 'SchemaParseError', message })
  parseError('{"type":', /^Schema is not JSON: /)
  parseError('[1]', /^Schema is not a JSON Schema: a schema is an object or a boolean$/)
  parseError('{"type":"text"}', /^Schema is not a valid draft-07 schema: schema\/type: must be equal to one of/)
  parseError('{"properties":{"a":{"minimum":"1"}}}', /^Schema is not a valid draft-07 schema: schema\/properties\/a\/minimum: must be number$/) // prettier-ignore
  parseError('{"pattern":"(a"}', /Invalid regular expression/)
  parseError('{"$ref":"#/definitions/missing"}', /can't resolve reference #\/definitions\/missing/)
  assert.throws(() => parseJsonSchema('{"$ref":"a.json"}', [{ name: 'a.json', schema: '{"type":5}' }]), {
    message: /^Referenced schema a\.json is not a valid draft-07 schema: /
  })
})

test('patterns: Java-only escapes still compile; Unicode classes work', () => {
  const java = parse({ type: 'string', pattern: '^[a-z]+\\_\\d+$' })
  assert.equal(verdict(java, 'ab_12'), true)
  assert.equal(verdict(java, 'ab-12'), '#: must match pattern "^[a-z]+\\_\\d+$"')
  assert.equal(verdict(parse({ type: 'string', pattern: '^\\p{Lu}+$' }), 'ÄÖ'), true)
})

test('decode: the JSON text, compacted, numbers as written; bytes that are not JSON are refused', () => {
  const codec = parse({ type: 'object' })
  assert.equal(codec.decode(Buffer.from('{ "a" : [ 1 , 2.50 ] ,\n "big": 12345678901234567890, "s": " \\" x " }')), '{"a":[1,2.50],"big":12345678901234567890,"s":" \\" x "}') // prettier-ignore
  // consuming does not validate (Confluent's REST Proxy leaves json.fail.invalid.schema at false)
  assert.equal(codec.decode(Buffer.from('[1]')), '[1]')
  assert.throws(() => codec.decode(Buffer.from('{"a":')), { name: 'SchemaDataError', message: /^Not JSON/ })
  assert.throws(() => codec.decode(Buffer.from([0xff, 0xfe])), SchemaDataError)
  // a JSON string holding a byte that is not UTF-8
  assert.throws(() => codec.decode(Buffer.from([0x22, 0xff, 0x22])), {
    name: 'SchemaDataError',
    message: /^Not JSON/
  })
  assert.equal(codec.decode(Buffer.from('"ü✓"')), '"ü✓"')
  assert.equal(codec.decode(Buffer.from('"a b\\\\" ')), '"a b\\\\"')
})

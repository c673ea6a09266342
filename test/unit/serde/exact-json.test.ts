import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseExact, stringifyExact } from '../../../src/serde/exact-json.ts'

test('integers beyond 2^53 parse as BigInt and print with every digit; other numbers stay numbers', () => {
  const text =
    '{"id":12345678901234567890,"neg":-9007199254740993,"safe":9007199254740991,"f":1.5,"e":1e300,"s":"1234567890123456789"}'
  const data = parseExact(text) as Record<string, unknown>
  assert.equal(data.id, 12345678901234567890n)
  assert.equal(data.neg, -9007199254740993n)
  assert.equal(data.safe, 9007199254740991)
  assert.equal(data.f, 1.5)
  assert.equal(data.e, 1e300)
  assert.equal(data.s, '1234567890123456789')
  assert.equal(stringifyExact(data), text.replace('1e300', '1e+300'))
  assert.equal(stringifyExact({ a: [1n, 'x'] }), '{"a":[1,"x"]}')
  assert.throws(() => parseExact('{"id":12345678901234567890'), SyntaxError)
})

test('only integers beyond 2^53 trigger the exact parse, wherever they sit; "__proto__" keys are refused on request', () => {
  const deep = `${'['.repeat(100000)}1${']'.repeat(100000)}`
  assert.doesNotThrow(() => parseExact(deep))
  assert.deepEqual(parseExact('[{"a":[1,{"b":9007199254740993}]}]'), [{ a: [1, { b: 9007199254740993n }] }])
  assert.deepEqual(parseExact('{"s":"12345678901234567890","n":1e20}'), { s: '12345678901234567890', n: 1e20 })
  assert.deepEqual(parseExact('{"a":{"__proto__":1}}'), JSON.parse('{"a":{"__proto__":1}}'))
  for (const text of ['{"__proto__":{"x":1}}', '[{"a":{"\\u005f_proto__":null}}]']) {
    assert.throws(() => parseExact(text, true), SyntaxError, text)
  }
  assert.doesNotThrow(() => parseExact('{"constructor":{"prototype":1},"proto":"__proto__"}', true))
})

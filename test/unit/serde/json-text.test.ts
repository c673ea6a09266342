import assert from 'node:assert/strict'
import { test } from 'node:test'
import { compactJson } from '../../../src/serde/json-text.ts'

const compact = (text: string) => compactJson(Buffer.from(text))?.toString()

test('compact JSON passes through as the same bytes; numbers keep their spelling and precision', () => {
  const bytes = Buffer.from('{"a":[1,2.50,-0.0,1e+3,12345678901234567890],"b":{"c":null,"d":true,"e":false},"f":""}')
  assert.equal(compactJson(bytes), bytes)
  assert.equal(compact('"x"'), '"x"')
  assert.equal(compact('0'), '0')
  assert.equal(compact('[]'), '[]')
  assert.equal(compact('{}'), '{}')
})

test('whitespace between tokens is dropped, whitespace in strings kept', () => {
  assert.equal(compact(' { "a b" : [ 1 , "c\\" d" ] ,\n\t"e":{ } }\r\n'), '{"a b":[1,"c\\" d"],"e":{}}')
  assert.equal(compact(' [ ] '), '[]')
  assert.equal(compact('"\\\\" '), '"\\\\"')
})

test('what is not exactly one JSON value in UTF-8 is refused', () => {
  const bad = [
    '',
    ' ',
    '{',
    '}',
    '[1,]',
    '[,1]',
    '{"a":1,}',
    '{"a"}',
    '{"a" 1}',
    '{1:2}',
    'tru',
    'nul',
    'True',
    '01',
    '1.',
    '.5',
    '-',
    '1e',
    '1e+',
    '+1',
    '"a',
    '"\\x"',
    '"\\u12g4"',
    '"\u0001"',
    '1 2',
    '[1] x',
    '{"a":1}}',
    '[1]]',
    'NaN',
    "'a'",
    '[1 2]',
    '{"a":1 "b":2}',
    '{"a":1,"b"}',
    '[',
    '[[[]]'
  ]
  for (const text of bad) assert.equal(compact(text), undefined, JSON.stringify(text))
  assert.equal(compactJson(Buffer.from([0x22, 0xc3, 0x28, 0x22])), undefined) // invalid UTF-8
  assert.equal(compact('"héllo ✓"'), '"héllo ✓"')
})

test('agrees with JSON.parse on random texts', () => {
  const pieces = [
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    '"a"',
    '"b c"',
    '1',
    '-2.5e3',
    'true',
    'null',
    ' ',
    '\n',
    '"\\n"',
    '0',
    'x'
  ]
  let seed = 42
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  let valid = 0
  for (let k = 0; k < 20_000; k++) {
    const text = Array.from({ length: 1 + Math.floor(random() * 8) }, () => pieces[Math.floor(random() * pieces.length)]).join('') // prettier-ignore
    let parsed: unknown
    let ok = true
    try {
      parsed = JSON.parse(text)
    } catch {
      ok = false
    }
    const out = compact(text)
    assert.equal(out !== undefined, ok, JSON.stringify(text))
    if (ok) {
      valid++
      assert.deepEqual(JSON.parse(out!), parsed)
      // compact: idempotent, and no whitespace left outside strings
      assert.equal(compactJson(Buffer.from(out!))?.toString(), out)
      assert.doesNotMatch(out!.replace(/"(?:[^"\\]|\\.)*"/g, '""'), /\s/)
    }
  }
  assert.ok(valid > 1000, `only ${valid} valid texts`)
})

test('deep nesting is handled without recursion', () => {
  const deep = '['.repeat(100_000) + ']'.repeat(100_000)
  assert.equal(compact(deep), deep)
})

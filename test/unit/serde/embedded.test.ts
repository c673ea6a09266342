import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeBase64, encodeJson } from '../../../src/serde/embedded.ts'

// The reference grammar, as a regex: groups of 4, then a last group of 2 or 3 with optional padding.
const grammar = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/

test('the fast base64 check accepts exactly the base64 grammar', () => {
  const chars = 'AZaz09+/=-_ .é'
  let seed = 7
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff)
  for (let i = 0; i < 50000; i++) {
    let s = ''
    const length = random() % 12
    for (let j = 0; j < length; j++) s += chars[random() % chars.length]
    assert.equal(decodeBase64(s) !== undefined, grammar.test(s), JSON.stringify(s))
  }
  for (const ok of ['', 'AA', 'AA==', 'AAA', 'AAA=', 'AAAA', 'aGVsbG8=']) assert.ok(decodeBase64(ok), ok)
  for (const bad of ['A', 'A===', 'AAAAA', '=AAA', 'AA=A', 'AAAA=', '%%'])
    assert.equal(decodeBase64(bad), undefined, bad)
  assert.equal(decodeBase64('aGVsbG8=')!.toString(), 'hello')
})

test('encodeJson without escapes in the source writes the same bytes as JSON.stringify', () => {
  const values = ['', 'plain', 'é日本😀', 'a/b', ' tabs\tare escaped only when present ']
  for (const value of values) {
    const expected = Buffer.from(JSON.stringify(value))
    assert.deepEqual(encodeJson(value, true), expected)
    // The shortcut holds for every string a backslash-free JSON text can hold: no quote, backslash or control.
    if (![...value].some(c => c === '"' || c === '\\' || c < ' ')) assert.deepEqual(encodeJson(value, false), expected)
  }
  assert.deepEqual(encodeJson({ a: [1, 'x'] }, false), Buffer.from('{"a":[1,"x"]}'))
  assert.deepEqual(encodeJson(12345678901234567890n, false), Buffer.from('12345678901234567890'))
})

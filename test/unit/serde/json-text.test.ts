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

test('long strings (read a word at a time): every stopping byte at every position, in views at every alignment', () => {
  const stoppers: Array<[number[], boolean]> = [
    [[0x22], false], // a quote ends the string early: trailing bytes make the text invalid
    [[0x5c, 0x6e], true], // \n
    [[0x5c, 0x75, 0x30, 0x30, 0x65, 0x39], true], // \u00e9
    [[0x5c, 0x78], false], // \x
    [[0x00], false],
    [[0x1f], false],
    [[0x20], true],
    [[0x7f], true],
    [[0xc3, 0xa9], true], // é in UTF-8
    [[0xe2, 0x9c, 0x93], true], // ✓
    [[0xc3], false], // a lone lead byte
    [[0xa9], false], // a lone continuation byte
    [[0xff], false]
  ]
  for (const length of [16, 17, 23, 40, 70]) {
    for (let at = 0; at < length; at++) {
      for (const [insert, valid] of stoppers) {
        const body = Buffer.alloc(length, 0x61)
        const text = Buffer.concat([Buffer.from('{"k":"'), body.subarray(0, at), Buffer.from(insert), body.subarray(at), Buffer.from('"}')]) // prettier-ignore
        for (let shift = 0; shift < 4; shift++) {
          const view = Buffer.concat([Buffer.alloc(shift, 0x22), text]).subarray(shift) // the same text at another offset
          const out = compactJson(view)
          const what = `${JSON.stringify(insert)} at ${at} of ${length}, shift ${shift}`
          if (valid) assert.equal(out?.toString(), text.toString(), what)
          else assert.equal(out, undefined, what)
        }
      }
    }
  }
})

test('long strings: invalid UTF-8 is refused wherever it lies, valid text of any script passes', () => {
  const valid = `{"a":"${'日本語のテキスト—ünïcödé ✓ '.repeat(20)}","b":"${'x'.repeat(300)}"}`
  assert.equal(compact(valid), valid)
  const bytes = Buffer.from(valid)
  for (const at of [10, 200, bytes.length - 10]) {
    const bad = Buffer.from(bytes)
    bad[at] = 0xff
    assert.equal(compactJson(bad), undefined, `0xff at ${at}`)
  }
  // an ASCII text after a non-ASCII one is not taken for non-ASCII (nor the reverse)
  const ascii = Buffer.from(`"${'y'.repeat(100)}"`)
  assert.equal(compactJson(ascii), ascii)
  const asciiBad = Buffer.from(`"${'y'.repeat(100)}\u0000"`)
  assert.equal(compactJson(asciiBad), undefined)
})

test('long strings at the very end of their memory are read without a byte beyond it', () => {
  for (let length = 16; length < 40; length++) {
    for (const text of [`"${'z'.repeat(length)}"`, `"${'z'.repeat(length)}`]) {
      const bytes = new Uint8Array(new ArrayBuffer(text.length))
      bytes.set(Buffer.from(text))
      const out = compactJson(Buffer.from(bytes.buffer))
      assert.equal(out?.toString(), text.endsWith('"') ? text : undefined, text)
    }
  }
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { JsonSplitError, JsonSplitter } from '../../../src/util/json-splitter.ts'

const all = (splitter: JsonSplitter, chunks: string[]) => chunks.flatMap(c => splitter.push(Buffer.from(c)).values)

test('splits concatenated and newline-separated objects', () => {
  assert.deepEqual(all(new JsonSplitter(), ['{"a":1}{"b":2}\n {"c":[1,{"d":3}]}\r\n']), [
    '{"a":1}',
    '{"b":2}',
    '{"c":[1,{"d":3}]}'
  ])
})

test('braces and quotes inside strings, escapes, and multi-byte text do not confuse it', () => {
  const value = '{"s":"} { \\" \\\\","t":"日本語 ✓ \\u0041"}'
  assert.deepEqual(all(new JsonSplitter(), [value + value]), [value, value])
  assert.deepEqual(JSON.parse(value), { s: '} { " \\', t: '日本語 ✓ A' })
})

test('values split at every possible byte boundary', () => {
  const text = '{"k":"a\\"}"}{"x":[{"y":"日本"}]}'
  const bytes = Buffer.from(text)
  for (let cut = 0; cut <= bytes.length; cut++) {
    const splitter = new JsonSplitter()
    const out = [...splitter.push(bytes.subarray(0, cut)).values, ...splitter.push(bytes.subarray(cut)).values]
    assert.deepEqual(out, ['{"k":"a\\"}"}', '{"x":[{"y":"日本"}]}'], `cut at ${cut}`)
    assert.equal(splitter.incomplete, false)
  }
})

test('backslash runs and escaped quotes at every chunk boundary', () => {
  const values = [
    '{"a":"\\\\"}',
    '{"b":"x\\"y\\\\\\"z"}',
    '{"c":["\\\\","\\"",{"d":"}"}]}',
    '{"e":"' + 'QUJD'.repeat(50) + '"}'
  ]
  for (const v of values) JSON.parse(v)
  const bytes = Buffer.from(values.join(' '))
  for (let cut = 0; cut <= bytes.length; cut++) {
    for (const second of [cut, Math.min(bytes.length, cut + 3)]) {
      const splitter = new JsonSplitter()
      const out = [bytes.subarray(0, cut), bytes.subarray(cut, second), bytes.subarray(second)].flatMap(
        c => splitter.push(c).values
      )
      assert.deepEqual(out, values, `cuts at ${cut}, ${second}`)
    }
  }
})

test('reports an unfinished value and junk between values', () => {
  const splitter = new JsonSplitter()
  assert.deepEqual(splitter.push(Buffer.from('{"a":1}{"b":')), { values: ['{"a":1}'] })
  assert.equal(splitter.incomplete, true)
  const junk = new JsonSplitter().push(Buffer.from('{"a":1} x'))
  assert.deepEqual(junk.values, ['{"a":1}'])
  assert.ok(junk.error instanceof JsonSplitError)
})

test('enforces the per-value size limit', () => {
  const splitter = new JsonSplitter(10)
  assert.deepEqual(splitter.push(Buffer.from('{"a":12}')), { values: ['{"a":12}'] })
  const big = splitter.push(Buffer.from('{"b":1}{"a":"0123456789"}'))
  assert.deepEqual(big.values, ['{"b":1}'])
  assert.match(big.error!.message, /larger than allowed threshold/)
})

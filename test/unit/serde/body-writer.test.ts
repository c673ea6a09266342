import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BodyWriter } from '../../../src/serde/body-writer.ts'

test('pieces are appended in order and the buffer grows as needed; truncate drops a tail', () => {
  const out = new BodyWriter(4)
  out.byte(0x5b)
  out.ascii('"abc",')
  out.utf8('"héllo ✓",')
  out.bytes(Buffer.from('null,'))
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256))
  out.base64String(bytes)
  const kept = out.length
  out.ascii(',"dropped"')
  out.truncate(kept)
  out.byte(0x5d)
  assert.deepEqual(JSON.parse(out.finish().toString()), ['abc', 'héllo ✓', null, bytes.toString('base64')])
  assert.equal(out.length, out.finish().length)
})

// mulberry32: a fixed seed keeps the fuzz reproducible
function random(seed: number): (below: number) => number {
  return below => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * below)
  }
}

const quoted = (bytes: Uint8Array, start = 0, end = bytes.length) =>
  `"${Buffer.from(bytes.subarray(start, end)).toString('base64')}"`

test('base64String: 0, 1, 2 and 3 bytes', () => {
  for (const [bytes, expected] of [
    [[], '""'],
    [[0x66], '"Zg=="'],
    [[0x66, 0x6f], '"Zm8="'],
    [[0x66, 0x6f, 0x6f], '"Zm9v"'],
    [[0xff], '"/w=="'],
    [[0xff, 0xff], '"//8="'],
    [[0xfb, 0xef, 0xff], '"++//"']
  ] as const) {
    const out = new BodyWriter(1)
    out.base64String(Buffer.from(bytes))
    assert.equal(out.finish().toString(), expected)
    const range = new BodyWriter(1)
    range.base64String(Buffer.from([1, 2, ...bytes, 3]), 2, 2 + bytes.length)
    assert.equal(range.finish().toString(), expected)
  }
})

test('base64String of random ranges matches Buffer#toString, from Buffers and plain Uint8Arrays', () => {
  const next = random(0x5eed)
  // sources of different backing ArrayBuffers (the writer keeps a view of the last one), some at an offset in theirs
  const sources: Uint8Array[] = []
  for (let k = 0; k < 4; k++) {
    const bytes = Buffer.alloc(4500 + k)
    for (let i = 0; i < bytes.length; i++) bytes[i] = next(256)
    sources.push(bytes, bytes.subarray(k + 1), new Uint8Array(bytes.buffer, bytes.byteOffset + 3 + k, 4000))
  }
  sources.push(new Uint8Array(Array.from({ length: 40 }, () => next(256)))) // small enough to live on the V8 heap
  for (let round = 0; round < 30; round++) {
    const out = new BodyWriter(1 + next(64))
    let expected = ''
    for (let n = 0; n < 200; n++) {
      const bytes = sources[next(sources.length)]
      // mostly the JavaScript encoder (< 2048 bytes), sometimes the native one
      const length = Math.min(bytes.length, n % 20 === 0 ? next(4000) : next(301))
      const start = next(bytes.length - length + 1)
      if (n % 10 === 0 && start === 0 && length === bytes.length) out.base64String(bytes)
      else out.base64String(bytes, start, start + length)
      expected += quoted(bytes, start, start + length)
    }
    assert.equal(out.finish().toString('latin1'), expected)
    assert.equal(out.length, expected.length)
  }
})

test('base64String grows a buffer that is near full, keeping what was written', () => {
  const next = random(42)
  const value = Buffer.from(Array.from({ length: 1500 }, () => next(256)))
  for (const length of [0, 1, 2, 3, 47, 48, 100, 511, 512, 1500, 2047, 2048, 3000]) {
    for (let free = 0; free <= 10; free++) {
      const capacity = 64
      const out = new BodyWriter(capacity)
      const before = 'x'.repeat(capacity - free)
      out.ascii(before)
      out.base64String(value, 7, 7 + Math.min(length, value.length - 7))
      out.byte(0x21)
      assert.equal(out.finish().toString(), `${before}${quoted(value, 7, 7 + Math.min(length, value.length - 7))}!`)
    }
  }
  // exactly full: the encoding ends at the last byte of the buffer
  const out = new BodyWriter(2 + 8)
  out.base64String(value, 0, 6)
  assert.equal(out.finish().toString(), quoted(value, 0, 6))
})

test('base64String refuses a range outside the bytes', () => {
  const out = new BodyWriter()
  const bytes = Buffer.from('abcdef')
  assert.throws(() => out.base64String(bytes, -1, 2), RangeError)
  assert.throws(() => out.base64String(bytes, 2, 7), RangeError)
  assert.throws(() => out.base64String(bytes, 4, 3), RangeError)
  assert.equal(out.length, 0)
})

test('integer writes decimals exactly up to 2^53; short and long ascii texts and byte strings copy alike', () => {
  const values = [0, 1, 9, 10, 99, 100, 12345, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 7, 1e15, 9007199254740991]
  for (let i = 0; i < 200; i++) values.push(Math.floor(Math.random() * 2 ** (i % 54)))
  const out = new BodyWriter(1)
  for (const value of values) {
    out.integer(value)
    out.byte(0x2c)
  }
  assert.equal(out.finish().toString(), values.map(v => `${v},`).join(''))

  const texts = ['', 'a', ',"value":', 'x'.repeat(32), 'y'.repeat(33), 'z'.repeat(500)]
  const mixed = new BodyWriter(2)
  for (const text of texts) {
    mixed.ascii(text)
    mixed.bytes(Buffer.from(text.toUpperCase()))
  }
  assert.equal(mixed.finish().toString(), texts.map(t => t + t.toUpperCase()).join(''))
})

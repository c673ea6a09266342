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

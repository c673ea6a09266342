import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BodyWriter } from '../../../src/serde/body-writer.ts'
import { BufferPool } from '../../../src/util/buffer-pool.ts'

const KiB = 1024

test('take hands out the smallest held buffer that fits, else a new one; give keeps at most maxBytes', () => {
  const pool = new BufferPool(400 * KiB)
  const small = Buffer.allocUnsafeSlow(100 * KiB)
  const large = Buffer.allocUnsafeSlow(200 * KiB)
  pool.give(large)
  pool.give(small)
  pool.give(small) // given twice: held once
  assert.equal(pool.bytes, 300 * KiB)
  pool.give(Buffer.allocUnsafeSlow(150 * KiB)) // would pass maxBytes: dropped
  assert.equal(pool.bytes, 300 * KiB)
  assert.equal(pool.take(90 * KiB), small)
  assert.equal(pool.take(90 * KiB), large)
  const fresh = pool.take(90 * KiB)
  assert.ok(fresh !== small && fresh !== large && fresh.length === 90 * KiB)
  assert.equal(pool.bytes, 0)
})

test('give refuses small buffers and views that do not own their memory', () => {
  const pool = new BufferPool(1024 * KiB)
  pool.give(Buffer.allocUnsafeSlow(1 * KiB))
  pool.give(Buffer.allocUnsafeSlow(300 * KiB).subarray(0, 100 * KiB))
  pool.give(Buffer.allocUnsafeSlow(300 * KiB).subarray(10))
  assert.equal(pool.bytes, 0)
})

test('a pooled BodyWriter takes its buffer from the pool, gives back what it outgrows, and its last on release', () => {
  const pool = new BufferPool(1024 * KiB)
  const first = Buffer.allocUnsafeSlow(64 * KiB)
  pool.give(first)
  const out = new BodyWriter(64 * KiB, pool)
  assert.equal(pool.bytes, 0)
  out.bytes(Buffer.alloc(100 * KiB, 0x61)) // grows: the first buffer goes back
  assert.equal(pool.bytes, 64 * KiB)
  const body = out.finish()
  assert.equal(body.length, 100 * KiB)
  assert.ok(body.every(b => b === 0x61))
  out.release()
  assert.equal(pool.bytes, 64 * KiB + body.buffer.byteLength)
})

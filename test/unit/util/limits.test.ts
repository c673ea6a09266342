import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ByteBudget } from '../../../src/util/byte-budget.ts'
import { ProduceRateLimiter } from '../../../src/util/rate-limiter.ts'

test('byte budget: try fails when full, waiters are served in order on release', async () => {
  const budget = new ByteBudget(100)
  assert.equal(budget.tryAcquire(60), true)
  assert.equal(budget.tryAcquire(50), false)
  const order: string[] = []
  void budget.acquire(50)?.then(() => order.push('a'))
  void budget.acquire(30)?.then(() => order.push('b'))
  budget.release(60)
  await new Promise(resolve => setImmediate(resolve))
  assert.deepEqual(order, ['a', 'b'])
  assert.equal(budget.used, 80)
  assert.equal(new ByteBudget(10).tryAcquire(50), true, 'a single oversized request passes alone')
})

test('rate limiter: counts and bytes, global and per cluster, refilled over time', () => {
  let now = 0
  const limiter = new ProduceRateLimiter(
    {
      requestsPerSecond: 2,
      requestsGlobalPerSecond: 3,
      bytesPerSecond: 1000,
      bytesGlobalPerSecond: 1000,
      cacheExpiryMs: 60000
    },
    () => now
  )
  assert.equal(limiter.admit('a', 10), true)
  assert.equal(limiter.admit('a', 10), true)
  assert.equal(limiter.admit('a', 10), false, 'per-cluster count')
  assert.equal(limiter.admit('b', 10), true)
  assert.equal(limiter.admit('b', 10), false, 'global count')
  now += 1000
  assert.equal(limiter.admit('a', 2000), false, 'bytes')
  assert.equal(limiter.admit('a', 900), true)
  assert.equal(limiter.admit('b', 200), false, 'global bytes')
})

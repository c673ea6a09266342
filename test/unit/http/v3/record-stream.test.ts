import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { test } from 'node:test'
import { OrderedReports } from '../../../../src/http/v3/record-stream.ts'
import { ByteBudget } from '../../../../src/util/byte-budget.ts'

function sink() {
  const writes: string[] = []
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString())
      done()
    }
  })
  return { out, writes }
}

test('reports leave in input order, the ones filled in one task as one write', async () => {
  const { out, writes } = sink()
  const budget = new ByteBudget(1000)
  assert.equal(budget.acquire(30), undefined)
  const reports = new OrderedReports(out, budget)
  const ids = [reports.reserve(10), reports.reserve(10), reports.reserve(10)]
  reports.fill(ids[2], 'c\r\n')
  await new Promise(resolve => setImmediate(resolve))
  assert.deepEqual(writes, [], 'nothing before the first report is known')
  reports.fill(ids[1], 'b\r\n')
  reports.fill(ids[0], 'a\r\n')
  await new Promise(resolve => setImmediate(resolve))
  assert.deepEqual(writes, ['a\r\nb\r\nc\r\n'])
  assert.equal(reports.idle(), undefined)
})

test('reports go out as soon as the task that filled them ends, ahead of I/O and immediates', async () => {
  const { out, writes } = sink()
  const reports = new OrderedReports(out, new ByteBudget(1000))
  const id = reports.reserve(0)
  let seenByImmediate: string[] | undefined
  setImmediate(() => (seenByImmediate = [...writes]))
  reports.fill(id, 'a\r\n')
  await Promise.resolve()
  await new Promise(resolve => setImmediate(resolve))
  assert.deepEqual(seenByImmediate, ['a\r\n'])
})

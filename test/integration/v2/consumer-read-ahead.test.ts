// Reads ahead (consumer.read.ahead.enable): after a read that fills its max_bytes, the next answer is made from
// the records already fetched. These tests read in steps that fill max_bytes, then pause so the next answer is
// made, then do what may come between two reads (commit everything, seek, a smaller max_bytes, delete), and
// check that no record is lost, repeated or committed before a client was given it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startProxy } from '../../helpers/app.ts'
import {
  b64,
  call,
  createConsumer,
  groupOffsets,
  post204,
  read,
  type RestRecord,
  sleep
} from '../../helpers/consumers.ts'
import { eventually } from '../../helpers/eventually.ts'
import { createTopic, produceRaw, uniqueName } from '../../helpers/kafka.ts'

// 100-byte values: a max_bytes of 250 takes two records and ends full.
const value = (partition: number, offset: number) => Buffer.alloc(100, 65 + partition * 10 + offset)

async function setUp(t: Parameters<typeof createTopic>[0], partitions: number) {
  const topic = await createTopic(t, { partitions })
  await produceRaw(
    topic,
    Array.from({ length: partitions }, (_, p) =>
      Array.from({ length: 8 }, (_, o) => ({ value: value(p, o), partition: p }))
    ).flat()
  )
  return topic
}

// An instance (named c, auto-commit as said) assigned `partitions` of `topic`, positioned at their beginning.
async function assignedAtBeginning(
  app: Awaited<ReturnType<typeof startProxy>>,
  group: string,
  topic: string,
  partitions: number[],
  autoCommit = false
): Promise<string> {
  const c = await createConsumer(app, group, { name: 'c', 'auto.commit.enable': String(autoCommit) })
  const body = { partitions: partitions.map(partition => ({ topic, partition })) }
  await post204(app, `${c}/assignments`, body)
  await post204(app, `${c}/positions/beginning`, body)
  return c
}

const positions = (records: RestRecord[]) => records.map(r => `${r.partition}:${r.offset}`)

// Reads what is left (a read with a short timeout answering [] ends it).
async function readRest(app: Awaited<ReturnType<typeof startProxy>>, c: string): Promise<RestRecord[]> {
  const out: RestRecord[] = []
  for (;;) {
    const records = await read(app, c, { timeout: 1500 })
    if (records.length === 0) return out
    out.push(...records)
  }
}

for (const ahead of ['true', 'false']) {
  test(`read ahead ${ahead}: records are committed only once a read hands them out`, async t => {
    const topic = await setUp(t, 1)
    const app = await startProxy(t, { 'consumer.read.ahead.enable': ahead })
    const group = uniqueName('g-ahead-commit')
    const c = await assignedAtBeginning(app, group, topic, [0])

    const first = await read(app, c, { timeout: 5000, max_bytes: 250 })
    assert.deepEqual(first, [
      { topic, key: null, value: b64(value(0, 0)), partition: 0, offset: 0 },
      { topic, key: null, value: b64(value(0, 1)), partition: 0, offset: 1 }
    ])
    await sleep(200)
    assert.equal((await call(app, 'POST', `${c}/offsets`)).statusCode, 200)
    assert.deepEqual(await groupOffsets(group), new Map([[`${topic}/0`, 2n]]))

    const second = await read(app, c, { timeout: 5000, max_bytes: 250 })
    assert.deepEqual(positions(second), ['0:2', '0:3'])
    assert.deepEqual(
      second.map(r => r.value),
      [2, 3].map(o => b64(value(0, o)))
    )
    await sleep(200)
    assert.equal((await call(app, 'POST', `${c}/offsets`)).statusCode, 200)
    assert.deepEqual(await groupOffsets(group), new Map([[`${topic}/0`, 4n]]))
    assert.deepEqual(positions(await readRest(app, c)), ['0:4', '0:5', '0:6', '0:7'])
  })
}

test('read ahead: a seek between reads is honoured', async t => {
  const topic = await setUp(t, 1)
  const app = await startProxy(t)
  const c = await assignedAtBeginning(app, uniqueName('g-ahead-seek'), topic, [0])

  assert.deepEqual(positions(await read(app, c, { timeout: 5000, max_bytes: 250 })), ['0:0', '0:1'])
  await sleep(200)
  await post204(app, `${c}/positions`, { offsets: [{ topic, partition: 0, offset: 5 }] })
  const rest = await readRest(app, c)
  assert.deepEqual(positions(rest), ['0:5', '0:6', '0:7'])
  for (const r of rest) assert.equal(r.value, b64(value(r.partition, r.offset)))
})

test('read ahead: seeks of several partitions between reads, whichever the records read ahead came from', async t => {
  const topic = await setUp(t, 2)
  const app = await startProxy(t)
  const c = await assignedAtBeginning(app, uniqueName('g-ahead-seeks'), topic, [0, 1])

  const before: RestRecord[] = []
  // Until both partitions have been read from, each read filling its max_bytes.
  while (new Set(before.map(r => r.partition)).size < 2) {
    const records = await read(app, c, { timeout: 5000, max_bytes: 250 })
    assert.ok(records.length > 0 && records.length <= 2, positions(records).join())
    before.push(...records)
  }
  for (const p of [0, 1]) {
    const offsets = before.filter(r => r.partition === p).map(r => r.offset)
    assert.deepEqual(
      offsets,
      offsets.map((_, i) => i)
    ) // from 0 without a gap
  }
  await sleep(200)
  await post204(app, `${c}/positions`, {
    offsets: [
      { topic, partition: 0, offset: 5 },
      { topic, partition: 1, offset: 6 }
    ]
  })
  const rest = await readRest(app, c)
  assert.deepEqual(positions(rest.filter(r => r.partition === 0)), ['0:5', '0:6', '0:7'])
  assert.deepEqual(positions(rest.filter(r => r.partition === 1)), ['1:6', '1:7'])
  for (const r of [...before, ...rest]) assert.equal(r.value, b64(value(r.partition, r.offset)))
})

test('read ahead: a smaller max_bytes on the next read takes fewer records, and none is lost', async t => {
  const topic = await setUp(t, 1)
  const app = await startProxy(t)
  const c = await assignedAtBeginning(app, uniqueName('g-ahead-bytes'), topic, [0])

  assert.deepEqual(positions(await read(app, c, { timeout: 5000, max_bytes: 350 })), ['0:0', '0:1', '0:2'])
  await sleep(200)
  assert.deepEqual(positions(await read(app, c, { timeout: 5000, max_bytes: 150 })), ['0:3'])
  const rest = await readRest(app, c)
  assert.deepEqual(positions(rest), ['0:4', '0:5', '0:6', '0:7'])
  assert.deepEqual(
    rest.map(r => r.value),
    [4, 5, 6, 7].map(o => b64(value(0, o)))
  )
})

test('read ahead: deleting an instance (auto-commit on) commits only the records handed out', async t => {
  const topic = await setUp(t, 1)
  const app = await startProxy(t)
  const group = uniqueName('g-ahead-delete')
  const c = await assignedAtBeginning(app, group, topic, [0], true)

  assert.deepEqual(positions(await read(app, c, { timeout: 5000, max_bytes: 250 })), ['0:0', '0:1'])
  await sleep(200)
  assert.equal((await call(app, 'DELETE', c)).statusCode, 204)
  assert.deepEqual(await groupOffsets(group), new Map([[`${topic}/0`, 2n]]))
})

test('read ahead: a rebalance between reads loses no record (a revoked partition is read by its new owner)', async t => {
  const topic = await setUp(t, 2)
  const app = await startProxy(t)
  const group = uniqueName('g-ahead-rebalance')
  const settings = { 'auto.offset.reset': 'earliest', 'auto.commit.enable': 'true' }
  const a = await createConsumer(app, group, { name: 'a', ...settings })
  await post204(app, `${a}/subscription`, { topics: [topic] })
  await eventually('a to hold both partitions', async () => (await assigned(app, a)).length === 2, 20000)

  const seen = await read(app, a, { timeout: 5000, max_bytes: 250 })
  assert.equal(seen.length, 2)
  await sleep(200) // the next answer is made now, from the partition a is about to share
  const b = await createConsumer(app, group, { name: 'b', ...settings })
  await post204(app, `${b}/subscription`, { topics: [topic] })
  await eventually(
    'a and b to hold a partition each',
    async () => {
      await read(app, a, { timeout: 100, max_bytes: 1 }).then(r => seen.push(...r))
      return (await assigned(app, a)).length === 1 && (await assigned(app, b)).length === 1
    },
    30000
  )
  seen.push(...(await readRest(app, a)), ...(await readRest(app, b)))
  // Every record at least once (Kafka's at-least-once allows a repeat across a rebalance, never a loss).
  const all = new Set(positions(seen))
  for (const p of [0, 1]) for (let o = 0; o < 8; o++) assert.ok(all.has(`${p}:${o}`), `${p}:${o} missing`)
  for (const r of seen) assert.equal(r.value, b64(value(r.partition, r.offset)))
})

async function assigned(app: Awaited<ReturnType<typeof startProxy>>, path: string): Promise<number[]> {
  const res = await call(app, 'GET', `${path}/assignments`)
  assert.equal(res.statusCode, 200, res.body)
  return (res.json().partitions as { partition: number }[]).map(p => p.partition)
}

// `consumer.isolation.level` against the real broker. One partition holds a committed transaction, an aborted one,
// another committed one, then a plain (non-transactional) record. A v2 instance reads the committed and plain
// records under read_committed, every data record under read_uncommitted, and never a transaction marker (control
// record), though each marker takes an offset; committing after the last record names the offset after it.
import assert from 'node:assert/strict'
import { type TestContext, test } from 'node:test'
import { type FastifyInstance } from 'fastify'
import { Consumer, FetchIsolationLevels, IS_CONTROL, IS_TRANSACTIONAL, Producer } from '@platformatic/kafka'
import { startProxy } from '../../helpers/app.ts'
import { b64, call, createConsumer, groupOffsets, post204, read, type RestRecord } from '../../helpers/consumers.ts'
import { bootstrapServers, createTopic, produceRaw, uniqueName } from '../../helpers/kafka.ts'

// The partition's log as the broker lays it out, offset by offset: [offset, record, written in a transaction].
// Data records by value; markers as COMMIT/ABORT (a marker is transactional, and takes one offset).
const LOG: [number, string, boolean][] = [
  [0, 'A1', true],
  [1, 'A2', true],
  [2, 'COMMIT', true],
  [3, 'B1', true],
  [4, 'B2', true],
  [5, 'ABORT', true],
  [6, 'C1', true],
  [7, 'COMMIT', true],
  [8, 'D1', false]
]
const LAST = 8 // D1's offset: the last record
const offsetOf = (value: string): number => LOG.find(([, v]) => v === value)![0]

function rawConsumer(t: TestContext): Consumer {
  const consumer = new Consumer({
    clientId: 'test-isolation',
    groupId: uniqueName('test-isolation-raw'),
    bootstrapBrokers: bootstrapServers().split(','),
    timeout: 5000
  })
  t.after(() => consumer.close(true))
  return consumer
}

// The partition's end offset (high watermark) and last stable offset (end of what read_committed may see).
async function endOffsets(consumer: Consumer, topic: string): Promise<{ end: bigint; stable: bigint }> {
  const at = async (isolationLevel: number) =>
    (await consumer.listOffsets({ topics: [topic], isolationLevel })).get(topic)![0]
  return {
    end: await at(FetchIsolationLevels.READ_UNCOMMITTED),
    stable: await at(FetchIsolationLevels.READ_COMMITTED)
  }
}

// The coordinator writes a transaction's marker after EndTxn has answered: a record of another producer sent before
// that would land ahead of the marker. Waits (bounded) until no transaction is open on the partition.
async function waitForMarkers(consumer: Consumer, topic: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { end, stable } = await endOffsets(consumer, topic)
    if (stable === end) return
    if (Date.now() > deadline) assert.fail(`${topic}: last stable offset ${stable} < end ${end} after ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

// A1,A2 committed; B1,B2 aborted; C1 committed (one transactional producer); then D1 from a plain producer.
async function writeLog(consumer: Consumer, topic: string): Promise<void> {
  const producer = new Producer({
    clientId: 'test-isolation',
    bootstrapBrokers: bootstrapServers().split(','),
    idempotent: true,
    transactionalId: uniqueName('test-isolation-tx'),
    autocreateTopics: false,
    timeout: 5000,
    // The next transaction's first send gets CONCURRENT_TRANSACTIONS until the previous one is complete, and a
    // fresh broker answers COORDINATOR_NOT_AVAILABLE while it creates its transaction log: retry those often
    // (the client's default waits 1 s between tries), at most ~5 s.
    retries: 100,
    retryDelay: 50
  })
  const transactions: [string[], 'commit' | 'abort'][] = [
    [['A1', 'A2'], 'commit'],
    [['B1', 'B2'], 'abort'],
    [['C1'], 'commit']
  ]
  try {
    for (const [values, end] of transactions) {
      const tx = await producer.beginTransaction()
      await tx.send({ messages: values.map(v => ({ topic, partition: 0, value: Buffer.from(v) })) })
      await (end === 'commit' ? tx.commit() : tx.abort())
    }
  } finally {
    await producer.close()
  }
  await waitForMarkers(consumer, topic)
  await produceRaw(topic, [{ value: Buffer.from('D1'), partition: 0 }])
}

// Every record of the partition, markers included, read raw (read_uncommitted Fetch, no filtering).
async function rawLog(consumer: Consumer, topic: string): Promise<[number, string, boolean][]> {
  const info = (await consumer.metadata({ topics: [topic] })).topics.get(topic)!
  const response = await consumer.fetch({
    node: info.partitions[0].leader,
    topics: [
      {
        topicId: info.id,
        partitions: [
          { partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }
        ]
      }
    ],
    maxWaitTime: 100,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED
  })
  const log: [number, string, boolean][] = []
  for (const batch of response.responses[0].partitions[0].records ?? []) {
    for (const record of batch.records) {
      // A control record's key is version (int16) then type (int16): 0 abort, 1 commit.
      const what =
        batch.attributes & IS_CONTROL
          ? ['ABORT', 'COMMIT'][record.key!.readInt16BE(2)]
          : (record.value?.toString() ?? 'null')
      log.push([Number(batch.firstOffset) + record.offsetDelta, what, (batch.attributes & IS_TRANSACTIONAL) !== 0])
    }
  }
  return log
}

// Reads until the last record of the partition (offset `last`) came, then once more to see that nothing follows.
async function readToEnd(app: FastifyInstance, path: string, last: number, timeoutMs = 8000): Promise<RestRecord[]> {
  const deadline = Date.now() + timeoutMs
  const out: RestRecord[] = []
  const seen = () => JSON.stringify(out.map(r => [r.offset, Buffer.from(String(r.value), 'base64').toString()]))
  while (!out.some(r => r.offset >= last)) {
    if (Date.now() > deadline) assert.fail(`no record at offset ${last} after ${timeoutMs} ms; read ${seen()}`)
    out.push(...(await read(app, path, { timeout: 500 })))
  }
  out.push(...(await read(app, path, { timeout: 300 })))
  return out
}

async function readsAtLevel(t: TestContext, level: 'read_committed' | 'read_uncommitted', expected: string[]) {
  const topic = await createTopic(t)
  const raw = rawConsumer(t)
  await writeLog(raw, topic)
  // The offsets the broker gave, markers included: the layout every assertion below relies on.
  assert.deepEqual(await rawLog(raw, topic), LOG)
  assert.deepEqual(await endOffsets(raw, topic), { end: BigInt(LAST + 1), stable: BigInt(LAST + 1) })

  const app = await startProxy(t, { 'consumer.isolation.level': level })
  const group = uniqueName(`g-isolation-${level}`)
  const c = await createConsumer(app, group, {
    name: 'c',
    format: 'binary',
    'auto.offset.reset': 'earliest',
    'auto.commit.enable': 'false'
  })
  const partitions = { partitions: [{ topic, partition: 0 }] }
  await post204(app, `${c}/assignments`, partitions)
  const records = await readToEnd(app, c, LAST)
  // Offsets and values first (a readable failure), then the exact records.
  assert.deepEqual(
    records.map(r => [r.offset, Buffer.from(String(r.value), 'base64').toString()]),
    expected.map(v => [offsetOf(v), v])
  )
  assert.deepEqual(
    records,
    expected.map(v => ({ topic, key: null, value: b64(v), partition: 0, offset: offsetOf(v) }))
  )

  // Commit everything read: the offset after D1, as the proxy and Kafka tell it.
  const commit = await call(app, 'POST', `${c}/offsets`)
  assert.equal(commit.statusCode, 200, commit.body)
  assert.equal(commit.body, '[]')
  const committed = await call(app, 'GET', `${c}/offsets`, partitions)
  assert.equal(committed.statusCode, 200, committed.body)
  assert.deepEqual(committed.json(), { offsets: [{ topic, partition: 0, offset: LAST + 1, metadata: '' }] })
  assert.deepEqual(await groupOffsets(group), new Map([[`${topic}/0`, BigInt(LAST + 1)]]))
}

test('read_committed: committed and plain records only, at the offsets the broker gave them', async t => {
  await readsAtLevel(t, 'read_committed', ['A1', 'A2', 'C1', 'D1'])
})

test('read_uncommitted: aborted records too, but never a transaction marker', async t => {
  await readsAtLevel(t, 'read_uncommitted', ['A1', 'A2', 'B1', 'B2', 'C1', 'D1'])
})

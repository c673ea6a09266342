import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { test } from 'node:test'
import { producerDefaults } from '../../../src/config/client-options.ts'
import { RestError } from '../../../src/errors/rest-error.ts'
import { ProducerThread } from '../../../src/kafka/producer-thread.ts'
import { packedSize, type PackedRecord } from '../../../src/kafka/record-pack.ts'

// A port where nothing listens: taken, then released.
async function deadPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise(resolve => server.close(resolve))
  return port
}

test('without Kafka, the producer thread answers within its timeouts and closes', { timeout: 20_000 }, async () => {
  const port = await deadPort()
  const thread = new ProducerThread(
    { bootstrapBrokers: [`127.0.0.1:${port}`], clientId: 'unit', connectTimeout: 200, retries: 0 },
    { ...producerDefaults, deliveryTimeoutMs: 1500, metadataTimeoutMs: 1000, poolSize: 2 }
  )
  const started = Date.now()
  await assert.rejects(thread.partitions('t'), (error: unknown) => error instanceof RestError && error.status >= 500)
  const record: PackedRecord = { topic: 't', partition: 3, key: null, value: Buffer.from('v'), headers: undefined, timestamp: 1 } // prettier-ignore
  const outcome = await thread.send([record, { ...record, partition: 4 }], 2 * packedSize(record))
  assert.deepEqual(outcome.offsets, [])
  for (const key of ['3:t', '4:t']) assert.ok((outcome.failures?.get(key)?.status ?? 0) >= 500, key)
  // Bounded by the timeouts given (plus the thread's start), not by the client's own retries: nothing hangs.
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`)
  await thread.close()
})

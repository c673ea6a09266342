// Direct Kafka access for integration tests: topic setup and byte-exact checks of what reached Kafka,
// bypassing the proxy. The cluster comes from test/global-setup.ts (env KAFKA_BOOTSTRAP_SERVERS and the
// state file named by KAFKA_REST_TEST_STATE).
import { Admin, Consumer, type Message, Producer, ProduceAcks } from '@platformatic/kafka'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { type TestContext } from 'node:test'
import { type TestKafkaState } from '../global-setup.ts'

const HOW_TO =
  'run with --test-global-setup=test/global-setup.ts (npm run test:integration) or set KAFKA_BOOTSTRAP_SERVERS'

function state(): TestKafkaState | undefined {
  const path = process.env.KAFKA_REST_TEST_STATE
  return path ? (JSON.parse(readFileSync(path, 'utf8')) as TestKafkaState) : undefined
}

export function bootstrapServers(): string {
  const servers = process.env.KAFKA_BOOTSTRAP_SERVERS ?? state()?.bootstrapServers
  if (!servers) throw new Error(`no Kafka cluster for tests: ${HOW_TO}`)
  return servers
}

export function clusterId(): string {
  const id = state()?.clusterId
  if (!id) throw new Error(`no Kafka cluster id for tests: ${HOW_TO}`)
  return id
}

/** e.g. uniqueName('orders') -> 'orders-1b9d6bcd' */
export const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`

const brokers = () => bootstrapServers().split(',')

async function withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({ clientId: 'test-helper', bootstrapBrokers: brokers() })
  try {
    return await fn(admin)
  } finally {
    await admin.close()
  }
}

/** Creates a topic (deleted again after the test) and waits until every partition has a leader. */
export async function createTopic(
  t: TestContext,
  opts: { partitions?: number; name?: string; configs?: Record<string, string> } = {}
): Promise<string> {
  const name = opts.name ?? uniqueName('test')
  const partitions = opts.partitions ?? 1
  const configs = Object.entries(opts.configs ?? {}).map(([key, value]) => ({ name: key, value }))
  await withAdmin(async admin => {
    await admin.createTopics({ topics: [name], partitions, configs })
    for (let attempt = 0; ; attempt++) {
      const metadata = await admin.metadata({ topics: [name], forceUpdate: true })
      const topic = metadata.topics.get(name)
      if (topic?.partitions.length === partitions && topic.partitions.every(p => p.leader >= 0)) break
      if (attempt === 50) throw new Error(`topic ${name}: partitions without leader after creation`)
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  })
  t.after(() => withAdmin(admin => admin.deleteTopics({ topics: [name] })))
  return name
}

export interface RawRecord {
  key?: Buffer
  value?: Buffer
  partition?: number
  headers?: Map<Buffer, Buffer>
  timestamp?: bigint
}

/** Produces records as raw bytes (acks=all) with the plain client; returns the base offset of each partition's batch. */
export async function produceRaw(
  topic: string,
  records: RawRecord[]
): Promise<{ topic: string; partition: number; offset: bigint }[]> {
  // Idempotent: on a busy machine a produce request can time out and be retried, which must not write twice.
  const producer = new Producer({
    clientId: 'test-helper',
    bootstrapBrokers: brokers(),
    autocreateTopics: false,
    idempotent: true
  })
  try {
    const result = await producer.send({
      acks: ProduceAcks.ALL,
      messages: records.map(record => ({ ...record, topic }))
    })
    return result.offsets ?? []
  } finally {
    await producer.close()
  }
}

/** Reads the first `count` records of a topic from the earliest offset (any partition order), as raw Buffers. */
export async function consumeAll(topic: string, count: number, timeoutMs = 15_000): Promise<Message[]> {
  const consumer = new Consumer({
    clientId: 'test-helper',
    groupId: uniqueName('test-helper'),
    bootstrapBrokers: brokers(),
    maxWaitTime: 200
  })
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false })
    const messages: Message[] = []
    return await new Promise<Message[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`consumeAll(${topic}): got ${messages.length} of ${count} records in ${timeoutMs} ms`))
      }, timeoutMs)
      stream.on('error', err => {
        clearTimeout(timer)
        reject(err)
      })
      stream.on('data', message => {
        messages.push(message)
        if (messages.length === count) {
          clearTimeout(timer)
          resolve(messages)
        }
      })
    })
  } finally {
    await consumer.close(true) // force: also closes the stream
  }
}

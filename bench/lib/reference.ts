// The reference of the produce benchmark, run as its own process: the raw @platformatic/kafka Producer with the
// proxy's defaults (acks=all, idempotent), `inFlight` concurrent sends of `batchRecords` records each. Every send
// goes to one partition, round robin, like the proxy's sticky partitioning of keyless records.
import { Producer, ProduceAcks } from '@platformatic/kafka'
import { setTimeout as sleep } from 'node:timers/promises'
import { type LoadResult, Meter, type WindowSpec } from './measure.ts'
import { randomValue } from './payload.ts'
import { serveJob } from './processes.ts'

export interface ReferenceJob {
  bootstrapServers: string
  topic: string
  partitions: number
  valueBytes: number
  batchRecords: number
  inFlight: number
  window: WindowSpec
}

const maxSends = 50_000_000

async function run(job: ReferenceJob, announce: (start: number, end: number) => void): Promise<LoadResult> {
  const producer = new Producer({
    clientId: 'kafka-rest-bench-reference',
    bootstrapBrokers: job.bootstrapServers.split(','),
    acks: ProduceAcks.ALL,
    idempotent: true,
    timeout: 15000,
    retries: 3
  })
  try {
    const values = Array.from({ length: 4096 }, () => randomValue(job.valueBytes))
    await producer.metadata({ topics: [job.topic] })
    const meter = new Meter(job.window, announce)
    let nextValue = 0
    let nextPartition = 0
    const bytes = job.batchRecords * job.valueBytes
    const loop = async () => {
      for (let k = 0; k < maxSends; k++) {
        const began = performance.now()
        if (began > meter.end) break
        const partition = nextPartition++ % job.partitions
        const messages = Array.from({ length: job.batchRecords }, () => ({
          topic: job.topic,
          partition,
          value: values[nextValue++ % values.length]
        }))
        try {
          await producer.send({ messages })
          meter.ok(began, performance.now(), job.batchRecords, bytes)
        } catch (error) {
          meter.fail(performance.now(), (error as Error).message)
          if (performance.now() > meter.hardStop) break
          await sleep(10)
        }
      }
    }
    await Promise.all(Array.from({ length: job.inFlight }, loop))
    return meter.result()
  } finally {
    await producer.close()
  }
}

serveJob<ReferenceJob, LoadResult>(run)

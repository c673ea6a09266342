// The raw @platformatic/kafka side of the consume benchmark, run as its own process (forked by runJob):
//   fill: writes exactly `records` JSON documents of `valueBytes` bytes (or the same documents in Avro, framed) to a
//         topic with the raw Producer (batches round robin over the partitions, 16 in flight), then checks the
//         topic's end offsets add up.
//   read: the reference: a raw Consumer's consume() stream from the earliest offset, counting records (and
//         checking their offsets); once it has read the whole topic it starts over with a new consumer in a new
//         group, until the window ends (so its window is as long as the proxy rows', whatever the topic size).
import { Consumer, FetchIsolationLevels, Producer, ProduceAcks } from '@platformatic/kafka'
import { type LoadResult, Meter, type WindowSpec } from './measure.ts'
import { OffsetCheck } from './offset-check.ts'
import { parseAvroSchema } from '../../src/serde/avro.ts'
import { frame } from '../../src/serde/wire-format.ts'
import { documentSchema, jsonDocument } from './payload.ts'
import { serveJob } from './processes.ts'

export interface FillJob {
  kind: 'fill'
  bootstrapServers: string
  topic: string
  partitions: number
  records: number
  /** Records of each partition instead of `records` spread evenly. */
  partitionRecords?: number[]
  valueBytes: number
  /** Write the documents as Avro of documentSchema, framed with this schema id (Confluent wire format). */
  avroSchemaId?: number
}

export interface FillResult {
  records: number
  seconds: number
  /** End offset of each partition after the fill. */
  endOffsets: number[]
}

export interface ReadReferenceJob {
  kind: 'read'
  bootstrapServers: string
  topic: string
  /** Prefix of the group names (one group per pass). */
  group: string
  /** End offset of each partition: the topic holds their sum. */
  endOffsets: number[]
  valueBytes: number
  /** Fetch limits, as the proxy's consumer defaults (fetch.max.bytes, max.partition.fetch.bytes). */
  maxBytes: number
  maxBytesPerPartition: number
  window: WindowSpec
}

const maxPasses = 100_000

const clientOptions = (bootstrapServers: string) => ({
  bootstrapBrokers: bootstrapServers.split(','),
  timeout: 15000,
  retries: 3
})

async function endOffsets(bootstrapServers: string, topic: string, partitions: number): Promise<number[]> {
  const consumer = new Consumer({
    ...clientOptions(bootstrapServers),
    clientId: 'kafka-rest-bench-fill-check',
    groupId: 'kafka-rest-bench-fill-check'
  })
  try {
    const offsets = await consumer.listOffsets({ topics: [topic], timestamp: -1n })
    const list = offsets.get(topic) ?? []
    return Array.from({ length: partitions }, (_, p) => Number(list[p] ?? -1n))
  } finally {
    await consumer.close()
  }
}

async function fill(job: FillJob): Promise<FillResult> {
  const started = performance.now()
  const producer = new Producer({
    ...clientOptions(job.bootstrapServers),
    clientId: 'kafka-rest-bench-fill',
    acks: ProduceAcks.LEADER,
    idempotent: false
  })
  try {
    const values = Array.from({ length: 4096 }, (_, i) => jsonDocument(job.valueBytes, i))
    if (job.avroSchemaId !== undefined) {
      const codec = parseAvroSchema(JSON.stringify(documentSchema))
      const id = job.avroSchemaId
      values.forEach((json, i) => (values[i] = frame(id, codec.encode(JSON.parse(json.toString())))))
    }
    await producer.metadata({ topics: [job.topic] })
    // Batches of at most ~512 KB, like a producer's batches; every partition gets its share.
    const batchRecords = Math.max(1, Math.min(1000, Math.floor(512_000 / job.valueBytes)))
    // Batches as [partition, records]: round robin over the partitions, or each partition's own count.
    const plan: [number, number][] = []
    if (job.partitionRecords) {
      job.partitionRecords.forEach((total, partition) => {
        for (let done = 0; done < total; done += batchRecords)
          plan.push([partition, Math.min(batchRecords, total - done)])
      })
    } else {
      for (let done = 0, b = 0; done < job.records; done += batchRecords, b++)
        plan.push([b % job.partitions, Math.min(batchRecords, job.records - done)])
    }
    let nextBatch = 0
    let nextValue = 0
    const loop = async () => {
      for (let b = nextBatch++; b < plan.length; b = nextBatch++) {
        const [partition, count] = plan[b]
        const messages = Array.from({ length: count }, () => ({
          topic: job.topic,
          partition,
          value: values[nextValue++ % values.length]
        }))
        await producer.send({ messages })
      }
    }
    await Promise.all(Array.from({ length: 16 }, loop))
  } finally {
    await producer.close()
  }
  const ends = await endOffsets(job.bootstrapServers, job.topic, job.partitions)
  const records = job.partitionRecords ? job.partitionRecords.reduce((a, b) => a + b, 0) : job.records
  return { records, seconds: (performance.now() - started) / 1000, endOffsets: ends }
}

async function read(job: ReadReferenceJob, announce: (start: number, end: number) => void): Promise<LoadResult> {
  const expected = job.endOffsets.reduce((a, b) => a + b, 0)
  const meter = new Meter(job.window, announce)
  const check = new OffsetCheck()
  const notes: string[] = []
  const setupMs: number[] = []
  let failure: Error | undefined
  for (let pass = 0; pass < maxPasses && performance.now() < meter.end && !failure; pass++) {
    const began = performance.now()
    const consumer = new Consumer({
      ...clientOptions(job.bootstrapServers),
      clientId: 'kafka-rest-bench-reference',
      groupId: `${job.group}-${pass}`,
      autocommit: false,
      isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED,
      maxWaitTime: 500,
      maxBytes: job.maxBytes,
      maxBytesPerPartition: job.maxBytesPerPartition
    })
    try {
      const stream = await consumer.consume({ topics: [job.topic], mode: 'earliest', autocommit: false })
      setupMs.push(performance.now() - began)
      check.rewindAll()
      let read = 0
      let stall: NodeJS.Timeout | undefined
      await new Promise<void>(resolve => {
        // Counted per burst of messages (one event-loop turn): counting must not slow the reader down.
        let pending = 0
        let scheduled = false
        const flush = () => {
          scheduled = false
          const now = performance.now()
          meter.count(now, pending, pending * job.valueBytes)
          pending = 0
          if (read >= expected || now > meter.end) resolve()
        }
        stream.on('data', message => {
          check.see(message.partition, Number(message.offset))
          read++
          pending++
          if (!scheduled) {
            scheduled = true
            setImmediate(flush)
          }
        })
        stream.on('error', (error: Error) => {
          failure ??= error
          meter.fail(performance.now(), error.message)
          resolve()
        })
        // Ends a pass that stalls at the end of the window too.
        stall = setTimeout(resolve, meter.end - performance.now() + 1)
      })
      clearTimeout(stall)
      stream.pause()
      await stream.close().catch((error: unknown) => notes.push(`closing a stream failed: ${String(error)}`))
    } catch (error) {
      failure ??= error as Error
      meter.fail(performance.now(), (error as Error).message)
    } finally {
      await consumer.close(true).catch(() => undefined)
    }
  }
  notes.push(...check.notes())
  if (setupMs.length > 1) {
    const average = setupMs.slice(1).reduce((a, b) => a + b, 0) / (setupMs.length - 1)
    notes.push(
      `${setupMs.length} passes over the topic, each by a new consumer: ${average.toFixed(0)} ms to join (in the window)`
    )
  }
  return meter.result({ notes })
}

serveJob<FillJob | ReadReferenceJob, FillResult | LoadResult>((job, announce) =>
  job.kind === 'fill' ? fill(job) : read(job, announce)
)

// The consume benchmark's HTTP load generator, run as its own process (forked by runJob):
//   consume: `instances` v2 consumer instances in one group (created with auto.offset.reset=earliest, subscribed
//            to a pre-filled topic, polled only once the group's assignment is settled), each polling
//            GET .../records in a loop on its own keep-alive connection (lib/lean-http.ts) until the window is over. When the window
//            opens, each instance seeks its partitions back to the beginning (POST .../positions/beginning), so the
//            topic need only hold what the window reads; a partition read to its end is sought back to its
//            beginning too (noted: see README). Every record's partition and offset are checked (each once per
//            pass, in order; answers are scanned, not parsed whole: lib/records-scan.ts). The instances are deleted at
//            the end.
//   e2e:     a raw Producer writes `rate` records/s (open loop), each value starting with its send time (epoch ms,
//            float64 big-endian); one binary instance polls continuously; latency = receive − send time.
import { Producer, ProduceAcks } from '@platformatic/kafka'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Client } from 'undici'
import { type LoadResult, Meter, type WindowSpec } from './measure.ts'
import { OffsetCheck } from './offset-check.ts'
import { encodeRequest, LeanConnection } from './lean-http.ts'
import { scanRecords } from './records-scan.ts'
import { serveJob } from './processes.ts'

export interface ConsumeJob {
  kind: 'consume'
  origin: string
  group: string
  topic: string
  partitions: number
  instances: number
  format: 'binary' | 'json' | 'avro'
  /** max_bytes of each GET /records. */
  maxBytes: number
  /** timeout of each GET /records (ms). */
  pollTimeoutMs: number
  /** End offset of each partition: an instance that read a partition to its end seeks it back to 0. */
  endOffsets: number[]
  /** One instance assigned these partitions (POST .../assignments) instead of subscribing to the topic. */
  assign?: number[]
  /** Partitions started over at their end (default: all). */
  wrap?: number[]
  valueBytes: number
  window: WindowSpec
}

export interface LatencyJob {
  kind: 'e2e'
  origin: string
  bootstrapServers: string
  group: string
  topic: string
  partitions: number
  /** Records per second the producer writes. */
  rate: number
  valueBytes: number
  pollTimeoutMs: number
  window: WindowSpec
}

type Job = ConsumeJob | LatencyJob

const v2 = 'application/vnd.kafka.v2+json'
const recordsType = {
  binary: 'application/vnd.kafka.binary.v2+json',
  json: 'application/vnd.kafka.json.v2+json',
  avro: 'application/vnd.kafka.avro.v2+json'
}
const maxOperations = 50_000_000 // per loop: every loop is bounded by count as well as by time
const setupTimeoutMs = 60_000

interface V2Record {
  topic: string
  key: unknown
  value: unknown
  partition: number
  offset: number
}

interface Instance {
  client: Client
  /** Path of the instance, from its base_uri: /consumers/{group}/instances/{name} */
  path: string
}

function newClient(origin: string): Client {
  return new Client(origin, { pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 60_000, bodyTimeout: 60_000 })
}

async function call(
  client: Client,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown
): Promise<{ status: number; text: string }> {
  const response = await client.request({
    path,
    method,
    headers: body === undefined ? { accept: v2 } : { accept: v2, 'content-type': v2 },
    body: body === undefined ? undefined : JSON.stringify(body),
    headersTimeout: 30_000,
    bodyTimeout: 30_000
  })
  return { status: response.statusCode, text: await response.body.text() }
}

async function expectStatus(what: string, reply: Promise<{ status: number; text: string }>, status: number) {
  const { status: got, text } = await reply
  if (got !== status) throw new Error(`${what}: HTTP ${got} (expected ${status}): ${text.slice(0, 300)}`)
  return text
}

async function createInstance(
  client: Client,
  group: string,
  name: string,
  format: ConsumeJob['format'],
  topic: string,
  assign?: number[]
): Promise<Instance> {
  const text = await expectStatus(
    `create instance ${name}`,
    call(client, 'POST', `/consumers/${encodeURIComponent(group)}`, {
      name,
      format,
      'auto.offset.reset': 'earliest'
    }),
    200
  )
  const { base_uri: baseUri } = JSON.parse(text) as { instance_id: string; base_uri: string }
  const instance = { client, path: new URL(baseUri).pathname }
  if (assign) {
    const partitions = assign.map(partition => ({ topic, partition }))
    await expectStatus(`assign ${name}`, call(client, 'POST', `${instance.path}/assignments`, { partitions }), 204)
  } else {
    await expectStatus(
      `subscribe ${name}`,
      call(client, 'POST', `${instance.path}/subscription`, { topics: [topic] }),
      204
    )
  }
  return instance
}

// Waits until the group's assignment is settled: every instance has partitions of the topic, no partition is
// held twice, and `partitions` of them are held. Reading before that would move partitions between instances
// mid-read (records read twice, since the new owner starts from the last commit).
async function awaitAssignment(instances: Instance[], partitions: number): Promise<number[][]> {
  const deadline = performance.now() + setupTimeoutMs
  let last = ''
  for (let attempt = 0; attempt < 10_000 && performance.now() < deadline; attempt++) {
    const held = await Promise.all(
      instances.map(async instance => {
        const text = await expectStatus(
          'assignments',
          call(instance.client, 'GET', `${instance.path}/assignments`),
          200
        )
        return (JSON.parse(text) as { partitions: { partition: number }[] }).partitions.map(p => p.partition)
      })
    )
    const all = held.flat()
    const settled =
      held.every(list => list.length > 0 || instances.length > partitions) &&
      all.length === partitions &&
      new Set(all).size === partitions
    if (settled) return held
    last = JSON.stringify(held)
    await sleep(100)
  }
  throw new Error(`the group's assignment did not settle within ${setupTimeoutMs} ms (last: ${last})`)
}

async function deleteInstances(instances: Instance[], notes: string[]): Promise<void> {
  await Promise.all(
    instances.map(async instance => {
      try {
        await expectStatus(`delete ${instance.path}`, call(instance.client, 'DELETE', instance.path), 204)
      } catch (error) {
        notes.push(`deleting the instance failed: ${(error as Error).message}`)
      }
    })
  )
}

// ---------------------------------------------------------------------------------------------------------------

async function runConsume(job: ConsumeJob, announce: (start: number, end: number) => void): Promise<LoadResult> {
  const clients = Array.from({ length: job.instances }, () => newClient(job.origin))
  const instances: Instance[] = []
  const notes: string[] = []
  const check = new OffsetCheck()
  // What each value's JSON text should measure (quotes included): checked for binary, a hint to the scan for all
  const valueLength = job.format === 'binary' ? Math.ceil(job.valueBytes / 3) * 4 + 2 : job.valueBytes
  let badValues = 0
  let firstBadValue: string | undefined
  let endsInWindow = 0
  try {
    const setupStart = performance.now()
    for (let i = 0; i < job.instances; i++)
      instances.push(await createInstance(clients[i], job.group, `bench-${i}`, job.format, job.topic, job.assign))
    const held = await awaitAssignment(instances, job.assign?.length ?? job.partitions)
    const wrap = new Set(job.wrap ?? job.endOffsets.keys())
    const setupMs = performance.now() - setupStart
    if (setupMs > 5000) notes.push(`creating, subscribing and settling the group took ${(setupMs / 1000).toFixed(1)} s`)

    const meter = new Meter(job.window, announce)
    const seekToBeginning = async (instance: Instance, partitions: number[]) => {
      const body = { partitions: partitions.map(partition => ({ topic: job.topic, partition })) }
      await expectStatus(
        'seek to the beginning',
        call(instance.client, 'POST', `${instance.path}/positions/beginning`, body),
        204
      )
      for (const partition of partitions) check.rewind(partition)
    }
    const accept = recordsType[job.format]
    const query = `timeout=${job.pollTimeoutMs}&max_bytes=${job.maxBytes}`
    const poll = async (instance: Instance, assigned: number[]): Promise<void> => {
      const request = encodeRequest('GET', job.origin, `${instance.path}/records?${query}`, { accept })
      let lean: LeanConnection | undefined
      const ended = new Set<number>()
      let rewound = false
      for (let k = 0; k < maxOperations; k++) {
        let began = performance.now()
        if (began > meter.end) break
        try {
          // The window starts reading from the beginning again: the topic need not hold the warm-up's records too.
          if (!rewound && meter.start - began < 200) {
            rewound = true
            await seekToBeginning(instance, assigned)
            ended.clear()
            began = performance.now()
          }
          lean ??= await LeanConnection.open(job.origin, job.maxBytes * 2)
          const response = await lean.send(request)
          const bytes = response.body
          const done = performance.now()
          if (response.status !== 200) {
            meter.fail(done, `HTTP ${response.status}: ${bytes.toString('utf8', 0, 300)}`)
            await sleep(10)
            continue
          }
          const records = scanRecords(bytes, valueLength)
          for (const record of records) {
            check.see(record.partition, record.offset)
            if (record.offset === job.endOffsets[record.partition] - 1 && wrap.has(record.partition))
              ended.add(record.partition)
            const ok =
              job.format === 'binary'
                ? record.valueLength === valueLength && record.valueFirst === 0x22
                : record.valueFirst === 0x7b
            if (!ok) {
              badValues++
              firstBadValue ??= JSON.stringify(record).slice(0, 200)
            }
          }
          meter.ok(began, done, records.length, records.length * job.valueBytes)
          // Partitions read to their end start over from offset 0.
          if (ended.size > 0) {
            await seekToBeginning(instance, [...ended])
            if (meter.inWindow(done)) endsInWindow += ended.size
            ended.clear()
          }
        } catch (error) {
          meter.fail(performance.now(), (error as Error).message)
          lean?.close() // a failed connection is not used again
          lean = undefined
          if (performance.now() > meter.hardStop) break
          await sleep(10)
        }
      }
      lean?.close()
    }
    const loops = Promise.all(instances.map((instance, i) => poll(instance, held[i])))
    const deadline = sleep(meter.hardStop - performance.now() + 1000, 'timeout' as const)
    if ((await Promise.race([loops, deadline])) === 'timeout') notes.push('polls still running at the hard stop')
    notes.push(...check.notes())
    if (badValues > 0) notes.push(`${badValues} records with an unexpected value, first: ${firstBadValue}`)
    if (endsInWindow > 0)
      notes.push(`${endsInWindow} partition ends reached in the window (each costs a seek: raise --records)`)
    return meter.result({ notes })
  } finally {
    await deleteInstances(instances, notes)
    await Promise.all(clients.map(client => client.close().catch(() => client.destroy())))
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function runLatency(job: LatencyJob, announce: (start: number, end: number) => void): Promise<LoadResult> {
  const client = newClient(job.origin)
  const instances: Instance[] = []
  const notes: string[] = []
  const valueBytes = Math.max(8, job.valueBytes)
  const producer = new Producer({
    clientId: 'kafka-rest-bench-e2e',
    bootstrapBrokers: job.bootstrapServers.split(','),
    acks: ProduceAcks.ALL,
    idempotent: true,
    timeout: 15000,
    retries: 3
  })
  try {
    instances.push(await createInstance(client, job.group, 'bench-e2e', 'binary', job.topic))
    await awaitAssignment(instances, job.partitions)
    await producer.metadata({ topics: [job.topic] })
    const meter = new Meter(job.window, announce)
    const padding = randomBytes(valueBytes)
    const interval = 1000 / job.rate
    let sent = 0
    let sendFailures = 0
    let received = 0
    let polls = 0
    let producing = true
    const sends = new Set<Promise<void>>()

    const produce = async () => {
      const origin = performance.now()
      for (let k = 0; k < maxOperations; k++) {
        const intended = origin + k * interval
        if (intended > meter.end) break
        const wait = intended - performance.now()
        if (wait > 0) await sleep(wait)
        const at = performance.now()
        meter.lag(intended, at)
        const value = Buffer.from(padding)
        value.writeDoubleBE(performance.timeOrigin + at, 0)
        const send = producer
          .send({ messages: [{ topic: job.topic, partition: k % job.partitions, value }] })
          .then(
            () => undefined,
            (error: unknown) => {
              sendFailures++
              meter.fail(performance.now(), `send: ${(error as Error).message}`)
            }
          )
          .finally(() => sends.delete(send))
        sends.add(send)
        sent++
      }
      await Promise.all(sends)
      producing = false
    }

    const poll = async () => {
      const path = `${instances[0].path}/records?timeout=${job.pollTimeoutMs}`
      const headers = { accept: recordsType.binary }
      for (let k = 0; k < maxOperations; k++) {
        const now = performance.now()
        if (now > meter.hardStop) break
        // After the window: only until every record sent has arrived.
        if (now > meter.end && !producing && received >= sent - sendFailures) break
        try {
          const response = await client.request({ path, method: 'GET', headers })
          const text = await response.body.text()
          const done = performance.now()
          if (meter.inWindow(done)) polls++
          if (response.statusCode !== 200) {
            meter.fail(done, `HTTP ${response.statusCode}: ${text.slice(0, 300)}`)
            await sleep(10)
            continue
          }
          for (const record of JSON.parse(text) as V2Record[]) {
            received++
            const sentAt = Buffer.from(record.value as string, 'base64').readDoubleBE(0) - performance.timeOrigin
            meter.okRecord(sentAt, done, valueBytes)
          }
        } catch (error) {
          meter.fail(performance.now(), (error as Error).message)
          await sleep(10)
        }
      }
    }

    const wait = meter.untilStart() - job.window.warmupMs
    if (wait > 0) await sleep(wait)
    await Promise.all([produce(), poll()])
    const missing = sent - sendFailures - received
    if (missing > 0) notes.push(`${missing} of ${sent - sendFailures} records produced were not read by the hard stop`)
    if (missing < 0) notes.push(`${-missing} records read more than produced`)
    return meter.result({ requests: polls, notes })
  } finally {
    await deleteInstances(instances, notes)
    await producer.close().catch(() => undefined)
    await client.close().catch(() => client.destroy())
  }
}

serveJob<Job, LoadResult>((job, announce) =>
  job.kind === 'consume' ? runConsume(job, announce) : runLatency(job, announce)
)

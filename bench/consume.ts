// Consume benchmark: npm run bench -- consume [--duration 10] [--warmup 5] [--only a,b,c,d] [--sizes 100,1024]
//   [--partitions 8] [--instances 1,4] [--max-bytes 1048576] [--records n] [--rate 200] [--profile].
// See bench/README.md for the scenarios and columns.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { type ConsumeJob, type LatencyJob } from './lib/consume-load.ts'
import { type FillJob, type FillResult, type ReadReferenceJob } from './lib/consume-reference.ts'
import { minDocumentBytes } from './lib/payload.ts'
import { runJob } from './lib/processes.ts'
import { commonTail, commonUsage, list, number, parseBenchArgs } from './lib/options.ts'
import { benchMain } from './lib/main.ts'
import { noteShare, type Row } from './lib/report.ts'
import {
  log,
  measure,
  measureRow,
  type Measured,
  registerDocument,
  type Options,
  rowBase,
  type RowBase,
  rowKey,
  type Run,
  toRow,
  withProxy,
  withTopic
} from './lib/run.ts'

const loadModule = join(import.meta.dirname, 'lib', 'consume-load.ts')
const referenceModule = join(import.meta.dirname, 'lib', 'consume-reference.ts')

const scenarioIds = ['a', 'b', 'c', 'd', 'e', 'f'] as const

// e: max_bytes of its reads, deliberately not a multiple of the proxy's per-partition fetch size (1 MiB).
const skewMaxBytes = 300_000

// The proxy's consumer defaults (fetch.max.bytes, max.partition.fetch.bytes), which the reference uses too.
const fetchMaxBytes = 52_428_800
const partitionMaxBytes = 1_048_576

interface ConsumeOptions extends Options {
  instances: number[]
  maxBytes: number
  pollTimeoutMs: number
  /** Records per pre-filled topic; undefined: sized by value size. */
  records: number | undefined
  rate: number
  e2eValueBytes: number
}

const usage = `usage: npm run bench -- consume [options]

Scenarios: a raw consumer, b v2 binary, c v2 json, d end-to-end latency, e skewed partitions,
f v2 avro (the documents of c, Avro-encoded; starts a Schema Registry).

${commonUsage}
  --partitions <n>     partitions of each benchmark topic (default 8)
  --instances <list>   consumer instances per b/c/f row (default 1,4)
  --max-bytes <n>      max_bytes of each GET /records (default 1048576)
  --poll-timeout <ms>  timeout of each GET /records (default 1000)
  --records <n>        records per pre-filled topic (default: sized by --warmup + --duration, see README)
  --rate <n>           records/s the producer writes in d (default 200)
${commonTail}`

function parseOptions(args: string[]): ConsumeOptions | undefined {
  const parsed = parseBenchArgs(args, {
    usage,
    scenarioIds,
    partitions: 8,
    extra: {
      instances: { type: 'string', default: '1,4' },
      'max-bytes': { type: 'string', default: '1048576' },
      'poll-timeout': { type: 'string', default: '1000' },
      records: { type: 'string' },
      rate: { type: 'string', default: '200' }
    }
  })
  if (!parsed) return undefined
  const { options } = parsed
  const values = parsed.values as Record<string, string | undefined>
  return {
    ...options,
    instances: list('instances', values.instances!, 1, options.partitions),
    maxBytes: number('max-bytes', values['max-bytes']!, 1, 67_108_864),
    pollTimeoutMs: number('poll-timeout', values['poll-timeout']!, 1, 60_000),
    records: values.records === undefined ? undefined : number('records', values.records, 1000, 100_000_000),
    rate: number('rate', values.rate!, 1, 100_000),
    e2eValueBytes: 100
  }
}

// Records per pre-filled topic. The proxy rows seek back to the beginning when their window opens, so the topic must
// hold what the longer of warm-up and window reads: enough for a proxy reading ~550k records/s of 100 B (~160 MB/s
// of larger values) not to reach a partition's end, where its reader must seek, which b and c do not mean to
// measure (see README); capped at 8 M records and 2 GB. Readers that get there start the partition over (noted).
function topicRecords(options: ConsumeOptions, valueBytes: number): number {
  if (options.records !== undefined) return options.records
  const seconds = Math.max(options.window.warmupMs, options.window.durationMs) / 1000 + 1
  const wanted = seconds * Math.min(550_000, 160e6 / valueBytes)
  return Math.round(Math.max(10_000, Math.min(wanted, 8_000_000, 2e9 / valueBytes)))
}

interface Filled {
  topic: string
  records: number
  valueBytes: number
  endOffsets: number[]
  /** How long the fill took. */
  seconds: number
}

async function fillTopic(
  run: Run,
  options: ConsumeOptions,
  topic: string,
  valueBytes: number,
  avroSchemaId?: number
): Promise<Filled> {
  const records = topicRecords(options, valueBytes)
  const what = avroSchemaId === undefined ? '' : ' (in Avro)'
  log(`filling ${topic} with ${records.toLocaleString('en-US')} records of ${valueBytes} B${what}...`)
  const job: FillJob = {
    kind: 'fill',
    bootstrapServers: run.kafka.bootstrapServers,
    topic,
    partitions: options.partitions,
    records,
    valueBytes,
    avroSchemaId
  }
  const result = await runJob<FillResult>(referenceModule, job, { timeoutMs: 600_000 })
  const held = result.endOffsets.reduce((a, b) => a + b, 0)
  log(
    `filled in ${result.seconds.toFixed(1)} s (${Math.round(records / result.seconds).toLocaleString('en-US')} records/s); end offsets ${result.endOffsets.join(',')}`
  )
  if (held !== records) log(`warning: the topic holds ${held} records, not ${records}`)
  return { topic, records: held, valueBytes, endOffsets: result.endOffsets, seconds: result.seconds }
}

const group = (base: RowBase) => `bench-${rowKey(base)}-${randomBytes(3).toString('hex')}`

async function reference(run: Run, options: ConsumeOptions, filled: Filled): Promise<Row> {
  const base = {
    scenario: 'a',
    description: 'raw Consumer, consume() from earliest',
    valueBytes: filled.valueBytes,
    connections: 1,
    latencyOf: 'none' as const
  }
  const job: ReadReferenceJob = {
    kind: 'read',
    bootstrapServers: run.kafka.bootstrapServers,
    topic: filled.topic,
    group: group(base),
    endOffsets: filled.endOffsets,
    valueBytes: filled.valueBytes,
    maxBytes: fetchMaxBytes,
    maxBytesPerPartition: partitionMaxBytes,
    window: options.window
  }
  const row = toRow(base, await measure(referenceModule, job, run), null, run)
  row.requestsPerSec = NaN
  return row
}

const scenarioOf = { binary: 'b', json: 'c', avro: 'f' } as const

async function v2Read(
  run: Run,
  options: ConsumeOptions,
  filled: Filled,
  format: ConsumeJob['format'],
  instances: number
): Promise<Row> {
  const base = {
    scenario: `${scenarioOf[format]}${instances}`,
    description: `v2 ${format}, ${instances} instance${instances > 1 ? 's' : ''}, max_bytes ${options.maxBytes}`,
    valueBytes: filled.valueBytes,
    connections: instances,
    latencyOf: 'request' as const
  }
  const { measured, rssMb, peakRssMb } = await withProxy(run, rowKey(base), proxy => {
    const job: ConsumeJob = {
      kind: 'consume',
      origin: proxy.url,
      group: group(base),
      topic: filled.topic,
      partitions: options.partitions,
      instances,
      format,
      maxBytes: options.maxBytes,
      pollTimeoutMs: options.pollTimeoutMs,
      endOffsets: filled.endOffsets,
      valueBytes: filled.valueBytes,
      window: options.window
    }
    return measure(loadModule, job, run, proxy.pid)
  })
  return withPeak(toRow(base, measured, rssMb, run), peakRssMb)
}

async function endToEnd(run: Run, options: ConsumeOptions): Promise<Row> {
  const base = {
    scenario: 'd',
    description: `end to end: raw producer at ${options.rate} rec/s, 1 binary instance polling`,
    valueBytes: options.e2eValueBytes,
    connections: 1,
    latencyOf: 'record' as const
  }
  return withTopic(run, rowKey(base), async topic => {
    let measured: Measured | undefined
    const { rssMb, peakRssMb } = await withProxy(run, rowKey(base), async proxy => {
      const job: LatencyJob = {
        kind: 'e2e',
        origin: proxy.url,
        bootstrapServers: run.kafka.bootstrapServers,
        group: group(base),
        topic,
        partitions: options.partitions,
        rate: options.rate,
        valueBytes: options.e2eValueBytes,
        pollTimeoutMs: options.pollTimeoutMs,
        window: options.window
      }
      return (measured = await measure(loadModule, job, run, proxy.pid))
    })
    const row = toRow(base, measured!, rssMb, run)
    row.requestsPerSec = measured!.result.requests / (measured!.result.windowMs / 1000)
    row.ratioToA = null
    return withPeak(row, peakRssMb)
  })
}

// e: one partition with a backlog, the others caught up (10 records each). e1: one instance assigned only the busy
// partition; e8: assigned all of them. The same reads, except that the idle partitions' fetches are long polls.
async function skewed(run: Run, options: ConsumeOptions, add: (row: Row | undefined) => void): Promise<void> {
  const valueBytes = options.e2eValueBytes
  const { warmupMs, durationMs } = options.window
  const backlog = options.records ?? Math.round((Math.max(warmupMs, durationMs) / 1000 + 1) * 750_000)
  await withTopic(run, `skew-${valueBytes}`, async topic => {
    log(`filling ${topic}: ${backlog.toLocaleString('en-US')} records in partition 0, 10 in each other one...`)
    const partitionRecords = Array.from({ length: options.partitions }, (_, p) => (p === 0 ? backlog : 10))
    const job: FillJob = {
      kind: 'fill',
      bootstrapServers: run.kafka.bootstrapServers,
      topic,
      partitions: options.partitions,
      records: backlog,
      partitionRecords,
      valueBytes
    }
    const result = await runJob<FillResult>(referenceModule, job, { timeoutMs: 600_000 })
    log(`filled in ${result.seconds.toFixed(1)} s; end offsets ${result.endOffsets.join(',')}`)
    for (const assigned of [1, options.partitions]) {
      const base = {
        scenario: `e${assigned}`,
        description:
          assigned === 1
            ? `v2 binary, 1 instance assigned the partition with a backlog, max_bytes ${skewMaxBytes}`
            : `the same + ${assigned - 1} caught-up partitions (10 records each)`,
        valueBytes,
        connections: 1,
        latencyOf: 'request' as const
      }
      const row = await measureRow(run, rowBase(base.scenario, valueBytes), async () => {
        const { measured, rssMb, peakRssMb } = await withProxy(run, rowKey(base), proxy => {
          const consume: ConsumeJob = {
            kind: 'consume',
            origin: proxy.url,
            group: group(base),
            topic,
            partitions: options.partitions,
            instances: 1,
            format: 'binary',
            maxBytes: skewMaxBytes,
            pollTimeoutMs: options.pollTimeoutMs,
            endOffsets: result.endOffsets,
            assign: Array.from({ length: assigned }, (_, p) => p),
            wrap: [0],
            valueBytes,
            window: options.window
          }
          return measure(loadModule, consume, run, proxy.pid)
        })
        return withPeak(toRow(base, measured, rssMb, run), peakRssMb)
      })
      add(row)
    }
  })
}

function withPeak(row: Row, peakRssMb: number): Row {
  if (Number.isFinite(peakRssMb) && row.proxyRssMb !== null && peakRssMb > row.proxyRssMb * 1.25)
    row.note = [row.note, `proxy peak RSS ${Math.round(peakRssMb)} MB`].filter(Boolean).join('; ')
  return row
}

const legend = [
  'a, b, c read a pre-filled topic from its beginning, starting each partition over at its end (b, c: seek to the',
  'beginning; a: a new consumer). MB/s counts record values only. Latency: per GET /records (b, c); none for a (a',
  'stream); per record from its send to its receipt by the poller (d, whose req/s are polls). Targets: b ≥ 50 % of',
  'a; d p50 ≤ 20 ms. e1 vs e8: the same reads of a partition with a backlog; e8 holds the caught-up partitions too.',
  "f: c's documents written in Avro (framed, schema registered) and read by avro instances; notes its share of c."
]

// ---------------------------------------------------------------------------------------------------------------

export function main(args: string[]): Promise<number> {
  return benchMain('consume', args, { usage, parse: parseOptions }, async (run, opts) => {
    const fills: Filled[] = []
    const add = (row: Row | undefined) => {
      if (!row) return
      run.rows.push(row)
      const rate = row.note?.startsWith('skipped')
        ? row.note
        : `${Math.round(row.recordsPerSec)} records/s, p50 ${row.p50Ms.toFixed(2)} ms, p99 ${row.p99Ms.toFixed(2)} ms, ${row.errors} errors`
      log(`${row.scenario} ${row.valueBytes ?? ''}: ${rate}${row.note ? ` (${row.note})` : ''}`)
    }
    log(
      `consume benchmark: scenarios ${[...opts.only].join(',')}, sizes ${opts.sizes.join(',')}, ` +
        `${opts.window.warmupMs / 1000} + ${opts.window.durationMs / 1000} s per row at most`
    )
    const throughput = ['a', 'b', 'c'].some(id => opts.only.has(id))
    for (const size of throughput ? opts.sizes : []) {
      await withTopic(run, `consume-${size}`, async topic => {
        const filled = await fillTopic(run, opts, topic, size)
        fills.push(filled)
        if (opts.only.has('a')) add(await measureRow(run, rowBase('a', size), () => reference(run, opts, filled)))
        for (const [id, format] of [
          ['b', 'binary'],
          ['c', 'json']
        ] as const) {
          if (!opts.only.has(id)) continue
          for (const instances of opts.instances) {
            add(
              await measureRow(run, rowBase(`${id}${instances}`, size), () =>
                v2Read(run, opts, filled, format, instances)
              )
            )
          }
        }
      })
    }
    for (const size of opts.only.has('f') ? opts.sizes : []) {
      if (size < minDocumentBytes) {
        log(`f ${size}: skipped (documents need ${minDocumentBytes} B at least)`)
        continue
      }
      await withTopic(run, `consume-avro-${size}`, async topic => {
        const filled = await fillTopic(run, opts, topic, size, await registerDocument(run, topic))
        fills.push(filled)
        for (const instances of opts.instances) {
          const row = await measureRow(run, rowBase(`f${instances}`, size), () =>
            v2Read(run, opts, filled, 'avro', instances)
          )
          noteShare(
            row,
            run.rows.findLast(r => r.scenario === `c${instances}` && r.valueBytes === size)
          )
          add(row)
        }
      })
    }
    if (opts.only.has('d')) add(await measureRow(run, rowBase('d', opts.e2eValueBytes), () => endToEnd(run, opts)))
    if (opts.only.has('e')) await skewed(run, opts, add)
    return {
      text:
        `Each row: ${opts.window.warmupMs / 1000} s warm-up, then ${opts.window.durationMs / 1000} s measured; topics of ` +
        `${opts.partitions} partitions (${fills.map(f => `${f.records.toLocaleString('en-US')} × ${f.valueBytes} B`).join(', ')}); ` +
        `GET /records with max_bytes ${opts.maxBytes}, timeout ${opts.pollTimeoutMs} ms. Broker, proxy and load ` +
        'generator share the machine.',
      legend,
      extra: { topics: fills }
    }
  })
}

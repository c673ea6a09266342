// Produce benchmark: npm run bench -- produce [--duration 10] [--warmup 2] [--only a,b,c,d,e] [--sizes 100,1024]
//   [--partitions 6] [--profile]. See bench/README.md for the scenarios and columns.
import { join } from 'node:path'
import { type HttpJob, type StreamJob } from './lib/loadgen.ts'
import { minDocumentBytes, type ValueFormat, type V3Value } from './lib/payload.ts'
import { type LoadResult, type WindowSpec } from './lib/measure.ts'
import { Histogram } from './lib/histogram.ts'
import { runJob } from './lib/processes.ts'
import { commonTail, commonUsage, number, parseBenchArgs } from './lib/options.ts'
import { benchMain } from './lib/main.ts'
import { type ReferenceJob } from './lib/reference.ts'
import { noteShare, type Row } from './lib/report.ts'
import {
  log,
  measure,
  type Options,
  rowBase,
  type RowBase,
  rowKey,
  type Run,
  skippedRow,
  toRow,
  measureRow,
  registerDocument,
  useRegistry,
  withProxy,
  withTopic
} from './lib/run.ts'

const loadgenModule = join(import.meta.dirname, 'lib', 'loadgen.ts')
const referenceModule = join(import.meta.dirname, 'lib', 'reference.ts')

const scenarioIds = ['a', 'b', 'c', 'd', 'e', 'f', 'g'] as const
// The reference keeps this many sends of this many records in flight.
const referenceSendRecords = 100
const referenceSends = 16
// Each d connection keeps as many records outstanding as a keeps in flight: d and a are both closed loops, whose
// records/s is the records they keep going divided by a record's latency, so a ratio of the two measures the
// proxy only when they keep as many going (with 1000, d1's ratio could not pass 1000/1600 = 62.5 % unless a
// record through the proxy took less time than one sent by the raw client).
const defaultStreamWindow = referenceSendRecords * referenceSends
// Rows of a scenario that --only can also name alone.
const parts = ['d1', 'd4'] as const

const usage = `usage: npm run bench -- produce [options]

Scenarios: a raw producer, b v2 json, c v2 single records, d v3 streaming (d1, d4: one of its rows), e empty route,
f v2 json vs avro documents, g v3 streaming json vs avro documents (f, g start a Schema Registry).

${commonUsage}
  --partitions <n>     partitions of each benchmark topic (default 6)
  --broker-warmup <s>  produce to a scratch topic first so the broker's JIT is warm (default 30; 0: skip)
  --paired             measure a again right before every other row; each ratio is to that adjacent a (a
                       shared, noisy machine drifts over a run: pairing keeps it out of the ratios)
  --stream-window <n>  records each d connection keeps outstanding (default 1600: as many as a keeps in flight)
${commonTail}`

function parseOptions(args: string[]): Options | undefined {
  const parsed = parseBenchArgs(args, {
    usage,
    scenarioIds,
    parts,
    partitions: 6,
    extra: {
      'broker-warmup': { type: 'string', default: '30' },
      paired: { type: 'boolean', default: false },
      'stream-window': { type: 'string', default: String(defaultStreamWindow) }
    }
  })
  if (!parsed) return undefined
  const warmup = number('broker-warmup', parsed.values['broker-warmup'] as string, 0, 600)
  const streamWindow = number('stream-window', parsed.values['stream-window'] as string, 1, 100_000)
  return { ...parsed.options, brokerWarmupMs: warmup * 1000, paired: parsed.values.paired === true, streamWindow }
}

async function reference(run: Run, valueBytes: number): Promise<Row> {
  const base = {
    scenario: 'a',
    description: `Producer, ${referenceSendRecords} rec/send, ${referenceSends} sends in flight`,
    valueBytes,
    connections: 1,
    latencyOf: 'send' as const
  }
  return withTopic(run, rowKey(base), async topic => {
    const job: ReferenceJob = {
      bootstrapServers: run.kafka.bootstrapServers,
      topic,
      partitions: run.options.partitions,
      valueBytes,
      batchRecords: referenceSendRecords,
      inFlight: referenceSends,
      window: run.options.window
    }
    return toRow(base, await measure(referenceModule, job, run), null, run)
  })
}

// Unmeasured load on a scratch topic: the broker runs with the full JIT, which needs a while to compile its hot
// paths; without this the first rows would measure a colder broker than the later ones.
async function warmBroker(run: Run): Promise<void> {
  log(`warming up the broker for ${run.options.brokerWarmupMs / 1000} s...`)
  await withTopic(run, 'broker-warmup', async topic => {
    const job: ReferenceJob = {
      bootstrapServers: run.kafka.bootstrapServers,
      topic,
      partitions: run.options.partitions,
      valueBytes: 512,
      batchRecords: referenceSendRecords,
      inFlight: referenceSends,
      window: { warmupMs: 0, durationMs: run.options.brokerWarmupMs, drainMs: 10_000 }
    }
    await runJob<LoadResult>(referenceModule, job, { timeoutMs: run.options.brokerWarmupMs + 70_000 })
  })
}

const v2Accept = 'application/vnd.kafka.v2+json'

const v2Type: Record<ValueFormat, string> = {
  json: 'application/vnd.kafka.json.v2+json',
  document: 'application/vnd.kafka.json.v2+json',
  binary: 'application/vnd.kafka.binary.v2+json',
  avro: 'application/vnd.kafka.avro.v2+json'
}

// One v2 produce row: `records` records per request of `format`, closed loop (rate 0) or open loop at `rate`.
function v2Row(run: Run, base: RowBase & { connections: number }, format: ValueFormat, records: number, rate = 0) {
  return withTopic(run, rowKey(base), async topic => {
    const schemaId = format === 'avro' ? await registerDocument(run, topic) : undefined
    const { measured, rssMb } = await withProxy(run, rowKey(base), proxy => {
      const job: HttpJob = {
        kind: 'http',
        origin: proxy.url,
        path: `/topics/${topic}`,
        method: 'POST',
        headers: { 'content-type': v2Type[format], accept: v2Accept },
        body: { format, records, valueBytes: base.valueBytes ?? 0, schemaId },
        connections: base.connections,
        rate,
        checkOffsets: true,
        window: run.options.window
      }
      return measure(loadgenModule, job, run, proxy.pid)
    })
    return toRow(base, measured, rssMb, run)
  })
}

function v2Json(run: Run, valueBytes: number): Promise<Row> {
  const base = {
    scenario: 'b',
    description: 'v2 json, 100 rec/request',
    valueBytes,
    connections: 16,
    latencyOf: 'request' as const
  }
  return v2Row(run, base, 'json', 100)
}

function v2Single(run: Run, valueBytes: number, rate: number): Promise<Row> {
  const base = {
    scenario: rate > 0 ? 'c/2' : 'c',
    description:
      rate > 0 ? `v2 binary, 1 rec/request, open loop at ${Math.round(rate)} req/s` : 'v2 binary, 1 rec/request',
    valueBytes,
    connections: 64,
    latencyOf: 'request' as const
  }
  return v2Row(run, base, 'binary', 1, rate)
}

// f: the same JSON documents as v2 json and as v2 avro (value_schema_id), 100 records per request.
function v2Documents(run: Run, valueBytes: number, format: 'document' | 'avro'): Promise<Row> {
  const base = {
    scenario: format === 'avro' ? 'f.avro' : 'f.json',
    description: `v2 ${format === 'avro' ? 'avro' : 'json'} documents, 100 rec/request`,
    valueBytes,
    connections: 16,
    latencyOf: 'request' as const
  }
  return v2Row(run, base, format, 100)
}

// One record to the streaming endpoint: undefined when it works, else why the scenario is skipped (404/405) or
// fails. The body is complete, so even a non-streaming implementation answers.
async function probeStream(url: string, path: string): Promise<{ skip?: string; problem?: string }> {
  const body = '{"value":{"type":"BINARY","data":"cHJvYmU="}}'
  try {
    const response = await fetch(url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(15_000)
    })
    const text = await response.text()
    if (response.status === 404 || response.status === 405)
      return { skip: `POST ${path} answers ${response.status} (endpoint not there yet): ${text.slice(0, 200)}` }
    if (response.status !== 200 || !/"error_code":\s*200/.test(text))
      return { problem: `probe answered ${response.status}: ${text.slice(0, 300)}` }
    return {}
  } catch (error) {
    return { problem: `probe failed: ${(error as Error).message}` }
  }
}

async function v3Stream(
  run: Run,
  valueBytes: number,
  connections: number,
  kind: 'binary' | 'json' | 'avro' = 'binary'
): Promise<Row> {
  const conns = `${connections} conn${connections > 1 ? 's' : ''}`
  const window = run.options.streamWindow ?? defaultStreamWindow
  const base = {
    ...(kind === 'binary'
      ? { scenario: `d${connections}`, description: `v3 streaming, ${conns}, ≤${window} rec outstanding/conn` }
      : { scenario: `g.${kind}`, description: `v3 streaming ${kind.toUpperCase()} documents, ${conns}` }),
    valueBytes,
    connections,
    latencyOf: 'record' as const
  }
  return withTopic(run, rowKey(base), async topic => {
    const value: V3Value =
      kind === 'binary'
        ? { type: 'BINARY' }
        : kind === 'json'
          ? { type: 'JSON' }
          : { type: 'AVRO', schemaId: await registerDocument(run, topic) }
    let skip: string | undefined
    let problem: string | undefined
    const { measured, rssMb } = await withProxy(run, rowKey(base), async proxy => {
      const path = `/v3/clusters/${proxy.clusterId}/topics/${topic}/records`
      ;({ skip, problem } = await probeStream(proxy.url, path))
      if (skip) return { result: emptyResult(run.options.window), ...noCpu }
      const job: StreamJob = {
        kind: 'stream',
        origin: proxy.url,
        path,
        connections,
        valueBytes,
        value,
        maxOutstanding: window,
        window: run.options.window
      }
      return measure(loadgenModule, job, run, proxy.pid)
    })
    if (skip) return skippedRow(base, skip)
    const row = toRow(base, measured, rssMb, run)
    if (problem) row.note = [problem, row.note].filter(Boolean).join('; ')
    return row
  })
}

const noCpu = { proxyCpuPercent: null, brokerCpuPercent: null, otherCpuPercent: NaN, machineCpuPercent: NaN }

function emptyResult(window: WindowSpec): LoadResult {
  return {
    requests: 0,
    records: 0,
    bytes: 0,
    errors: 0,
    latency: new Histogram().toJSON(),
    windowMs: window.durationMs,
    cpuSeconds: NaN,
    timeline: []
  }
}

async function emptyRoute(run: Run): Promise<Row> {
  const base = {
    scenario: 'e',
    description: 'GET / (empty route): load generator ceiling',
    valueBytes: null,
    connections: 64,
    latencyOf: 'request' as const
  }
  const { measured, rssMb } = await withProxy(run, rowKey(base), proxy => {
    const job: HttpJob = {
      kind: 'http',
      origin: proxy.url,
      path: '/',
      method: 'GET',
      headers: { accept: v2Accept },
      connections: base.connections,
      rate: 0,
      checkOffsets: false,
      window: run.options.window
    }
    return measure(loadgenModule, job, run, proxy.pid)
  })
  return toRow(base, measured, rssMb, run)
}

// ---------------------------------------------------------------------------------------------------------------

export function main(args: string[]): Promise<number> {
  return benchMain('produce', args, { usage, parse: parseOptions }, async (run, options) => {
    const add = (row: Row) => {
      run.rows.push(row)
      const rate = row.note?.startsWith('skipped')
        ? row.note
        : `${Math.round(row.recordsPerSec)} records/s, ${Number.isNaN(row.requestsPerSec) ? '–' : Math.round(row.requestsPerSec)} req/s, p99 ${row.p99Ms.toFixed(2)} ms, ${row.errors} errors`
      log(`${row.scenario} ${row.valueBytes ?? ''}: ${rate}`)
    }
    const seconds = (options.window.warmupMs + options.window.durationMs) / 1000
    log(
      `produce benchmark: scenarios ${[...options.only].join(',')}, sizes ${options.sizes.join(',')}, ${seconds} s per row`
    )
    if (options.brokerWarmupMs > 0 && run.rows.length === 0) await warmBroker(run) // once, before the first round
    // One row, measured again when other processes disturbed it (bench/lib/run.ts), then reported.
    const measured = async (base: RowBase, body: () => Promise<Row>): Promise<Row | undefined> => {
      const row = await measureRow(run, base, body)
      if (row) add(row)
      return row
    }
    // With --paired, a fresh reference row of the same size right before a proxy row.
    const pair = async (size: number) => {
      if (options.paired) await measured(rowBase('a', size), () => reference(run, size))
    }
    const wanted = (id: string) => options.only.has(id) || (id === 'd' && parts.some(part => options.only.has(part)))
    for (const id of scenarioIds) {
      if (!wanted(id)) continue
      for (const size of id === 'e' ? [null] : options.sizes) {
        const valueBytes = size ?? 0
        switch (id) {
          case 'a':
            await measured(rowBase('a', size), () => reference(run, valueBytes))
            break
          case 'b':
            await pair(valueBytes)
            await measured(rowBase('b', size), () => v2Json(run, valueBytes))
            break
          case 'c': {
            await pair(valueBytes)
            const max = await measured(rowBase('c', size), () => v2Single(run, valueBytes, 0))
            if (max && max.requestsPerSec > 0)
              await measured(rowBase('c/2', size), () => v2Single(run, valueBytes, max.requestsPerSec / 2))
            break
          }
          case 'd':
            for (const connections of [1, 4]) {
              if (!options.only.has('d') && !options.only.has(`d${connections}`)) continue
              await pair(valueBytes)
              const row = await measured(rowBase(`d${connections}`, size), () => v3Stream(run, valueBytes, connections))
              if (!row || row.note?.startsWith('skipped')) break
            }
            break
          case 'e':
            await measured(rowBase('e', null), () => emptyRoute(run))
            break
          case 'f':
          case 'g': {
            if (valueBytes < minDocumentBytes) {
              log(`${id} ${valueBytes}: skipped (documents need ${minDocumentBytes} B at least)`)
              break
            }
            await useRegistry(run)
            const pair =
              id === 'f'
                ? ([
                    () => v2Documents(run, valueBytes, 'document'),
                    () => v2Documents(run, valueBytes, 'avro')
                  ] as const)
                : ([() => v3Stream(run, valueBytes, 1, 'json'), () => v3Stream(run, valueBytes, 1, 'avro')] as const)
            const json = await measured(rowBase(`${id}.json`, size), pair[0])
            const avro = await measured(rowBase(`${id}.avro`, size), pair[1])
            noteShare(avro, json)
            break
          }
        }
      }
    }
    return {}
  })
}

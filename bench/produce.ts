// Produce benchmark: npm run bench -- produce [--duration 10] [--warmup 2] [--only a,b,c,d,e] [--sizes 100,1024]
//   [--partitions 6] [--profile]. See bench/README.md for the scenarios and columns.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startBenchKafka } from './lib/kafka.ts'
import { type HttpJob, type StreamJob } from './lib/loadgen.ts'
import { type LoadResult, type WindowSpec } from './lib/measure.ts'
import { Histogram } from './lib/histogram.ts'
import { cleanupAll, installSignalHandlers, runJob } from './lib/processes.ts'
import { formatProfile } from './lib/profile.ts'
import { repoRoot } from './lib/proxy.ts'
import { type ReferenceJob } from './lib/reference.ts'
import { describeMachine, markdown, type Row } from './lib/report.ts'
import {
  log,
  measure,
  type Options,
  resultsDir,
  rowBase,
  type RowBase,
  rowKey,
  type Run,
  type ScenarioId,
  scenarioIds,
  skippedRow,
  toRow,
  measureRow,
  withProxy,
  withTopic
} from './lib/run.ts'

const loadgenModule = join(import.meta.dirname, 'lib', 'loadgen.ts')
const referenceModule = join(import.meta.dirname, 'lib', 'reference.ts')

const usage = `usage: npm run bench -- produce [options]

  --duration <s>       measured seconds per row (default 10)
  --warmup <s>         warm-up seconds before each row (default 5; each row starts a fresh proxy)
  --only <list>        scenarios to run, comma separated, of a,b,c,d,e (default all)
  --sizes <list>       record value sizes in bytes (default 100,1024)
  --partitions <n>     partitions of each benchmark topic (default 6)
  --profile            run the proxy with --cpu-prof and print its top functions (also BENCH_PROFILE=1)
  --quiet-wait <s>     before each row, wait up to this long for other processes to go quiet (default 120)
  --retries <n>        measure a row again, up to n times, when other processes disturbed it (default 2)
  --broker-warmup <s>  produce to a scratch topic first so the broker's JIT is warm (default 10; 0: skip)
  -h, --help           this text

Environment: KAFKA_BOOTSTRAP_SERVERS uses that cluster instead of starting a broker; BENCH_PROXY_NODE_ARGS and
BENCH_LOADGEN_NODE_ARGS add Node options to the proxy / load generator processes (e.g. --trace-gc).`

function parseOptions(args: string[]): Options | undefined {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '5' },
      only: { type: 'string', default: scenarioIds.join(',') },
      sizes: { type: 'string', default: '100,1024' },
      partitions: { type: 'string', default: '6' },
      profile: { type: 'boolean', default: false },
      'quiet-wait': { type: 'string', default: '120' },
      'broker-warmup': { type: 'string', default: '10' },
      retries: { type: 'string', default: '2' },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help) {
    console.log(usage)
    return undefined
  }
  const number = (name: string, text: string, min: number, max: number) => {
    const value = Number(text)
    if (!Number.isFinite(value) || value < min || value > max)
      throw new Error(`--${name}: expected ${min}..${max}, got ${text}`)
    return value
  }
  const only = values.only.split(',').map(s => s.trim().toLowerCase())
  for (const id of only) {
    if (!(scenarioIds as readonly string[]).includes(id))
      throw new Error(`--only: unknown scenario "${id}" (known: ${scenarioIds.join(',')})`)
  }
  return {
    window: {
      durationMs: number('duration', values.duration, 1, 600) * 1000,
      warmupMs: number('warmup', values.warmup, 0, 120) * 1000,
      drainMs: 10_000
    },
    only: new Set(only as ScenarioId[]),
    sizes: values.sizes.split(',').map(s => number('sizes', s.trim(), 1, 1_000_000)),
    partitions: number('partitions', values.partitions, 1, 1000),
    profile: values.profile || process.env.BENCH_PROFILE === '1',
    quietWaitMs: number('quiet-wait', values['quiet-wait'], 0, 3600) * 1000,
    brokerWarmupMs: number('broker-warmup', values['broker-warmup'], 0, 600) * 1000,
    retries: number('retries', values.retries, 0, 10)
  }
}

async function reference(run: Run, valueBytes: number): Promise<Row> {
  const base = {
    scenario: 'a',
    description: 'Producer, 100 rec/send, 16 sends in flight',
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
      batchRecords: 100,
      inFlight: 16,
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
      batchRecords: 100,
      inFlight: 16,
      window: { warmupMs: 0, durationMs: run.options.brokerWarmupMs, drainMs: 10_000 }
    }
    await runJob<LoadResult>(referenceModule, job, { timeoutMs: run.options.brokerWarmupMs + 70_000 })
  })
}

const v2Accept = 'application/vnd.kafka.v2+json'

// One v2 produce row: `records` records per request of `format`, closed loop (rate 0) or open loop at `rate`.
function v2Row(
  run: Run,
  base: RowBase & { connections: number },
  format: 'json' | 'binary',
  records: number,
  rate = 0
) {
  return withTopic(run, rowKey(base), async topic => {
    const { measured, rssMb } = await withProxy(run, rowKey(base), proxy => {
      const job: HttpJob = {
        kind: 'http',
        origin: proxy.url,
        path: `/topics/${topic}`,
        method: 'POST',
        headers: { 'content-type': `application/vnd.kafka.${format}.v2+json`, accept: v2Accept },
        body: { format, records, valueBytes: base.valueBytes ?? 0 },
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

async function v3Stream(run: Run, valueBytes: number, connections: number): Promise<Row> {
  const base = {
    scenario: `d${connections}`,
    description: `v3 streaming, ${connections} conn${connections > 1 ? 's' : ''}, ≤1000 rec outstanding/conn`,
    valueBytes,
    connections,
    latencyOf: 'record' as const
  }
  return withTopic(run, rowKey(base), async topic => {
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
        maxOutstanding: 1000,
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

export async function main(args: string[]): Promise<number> {
  let options: Options | undefined
  try {
    options = parseOptions(args)
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`)
    return 2
  }
  if (!options) return 0
  installSignalHandlers()
  await mkdir(resultsDir, { recursive: true })
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19)
  const kafka = await startBenchKafka(log)
  const run: Run = {
    options,
    kafka,
    stamp,
    profileRoot: join(resultsDir, `produce-${stamp}-profiles`),
    rows: [],
    profiles: [],
    proxyStarts: new Map()
  }
  const add = (row: Row) => {
    run.rows.push(row)
    const rate = row.note?.startsWith('skipped')
      ? row.note
      : `${Math.round(row.recordsPerSec)} records/s, ${Number.isNaN(row.requestsPerSec) ? '–' : Math.round(row.requestsPerSec)} req/s, p99 ${row.p99Ms.toFixed(2)} ms, ${row.errors} errors`
    log(`${row.scenario} ${row.valueBytes ?? ''}: ${rate}`)
  }
  const seconds = (options.window.warmupMs + options.window.durationMs) / 1000
  try {
    log(
      `produce benchmark: scenarios ${[...options.only].join(',')}, sizes ${options.sizes.join(',')}, ${seconds} s per row`
    )
    if (options.brokerWarmupMs > 0) await warmBroker(run)
    // One row, measured again when other processes disturbed it (bench/lib/run.ts), then reported.
    const measured = async (base: RowBase, body: () => Promise<Row>): Promise<Row | undefined> => {
      const row = await measureRow(run, base, body)
      if (row) add(row)
      return row
    }
    for (const id of scenarioIds) {
      if (!options.only.has(id)) continue
      for (const size of id === 'e' ? [null] : options.sizes) {
        const valueBytes = size ?? 0
        switch (id) {
          case 'a':
            await measured(rowBase('a', size), () => reference(run, valueBytes))
            break
          case 'b':
            await measured(rowBase('b', size), () => v2Json(run, valueBytes))
            break
          case 'c': {
            const max = await measured(rowBase('c', size), () => v2Single(run, valueBytes, 0))
            if (max && max.requestsPerSec > 0)
              await measured(rowBase('c/2', size), () => v2Single(run, valueBytes, max.requestsPerSec / 2))
            break
          }
          case 'd':
            for (const connections of [1, 4]) {
              const row = await measured(rowBase(`d${connections}`, size), () => v3Stream(run, valueBytes, connections))
              if (!row || row.note?.startsWith('skipped')) break
            }
            break
          case 'e':
            await measured(rowBase('e', null), () => emptyRoute(run))
            break
        }
      }
    }
  } finally {
    await cleanupAll()
  }
  const machine = describeMachine(repoRoot, kafka.description)
  const window = { warmupS: options.window.warmupMs / 1000, durationS: options.window.durationMs / 1000 }
  const table = markdown(run.rows, machine, window)
  const jsonPath = join(resultsDir, `produce-${stamp}.json`)
  await writeFile(
    jsonPath,
    JSON.stringify(
      {
        benchmark: 'produce',
        startedAt: stamp,
        machine,
        options: { ...options, only: [...options.only] },
        rows: run.rows,
        profiles: run.profiles
      },
      null,
      2
    ) + '\n'
  )
  await writeFile(join(resultsDir, `produce-${stamp}.md`), table + '\n')
  console.log(table)
  for (const { row, summary } of run.profiles) console.log(`\nProxy CPU profile of ${row}:\n${formatProfile(summary)}`)
  log(`results: ${jsonPath}`)
  return 0
}

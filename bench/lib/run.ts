// The machinery of one benchmark run: options, CPU accounting, measured windows, rows, topics and proxies.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { type ConsumeJob, type LatencyJob } from './consume-load.ts'
import { type ReadReferenceJob } from './consume-reference.ts'
import { type BenchKafka } from './kafka.ts'
import { type HttpJob, type StreamJob } from './loadgen.ts'
import { type LoadResult, type WindowSpec } from './measure.ts'
import { Histogram } from './histogram.ts'
import { cpuSeconds, machineCpu, rssBytes, runJob, wasInterrupted } from './processes.ts'
import { type ProfileSummary, summarizeProfiles } from './profile.ts'
import { repoRoot, type RunningProxy, startProxy } from './proxy.ts'
import { type ReferenceJob } from './reference.ts'
import { type BenchRegistry, startBenchRegistry } from './registry.ts'
import { documentSchema } from './payload.ts'
import { type Row } from './report.ts'

export const resultsDir = join(import.meta.dirname, '..', 'results')

export interface Options {
  window: WindowSpec
  /** Scenario ids to run (each benchmark has its own). */
  only: ReadonlySet<string>
  sizes: number[]
  partitions: number
  profile: boolean
  quietWaitMs: number
  brokerWarmupMs: number
  retries: number
  /** Rounds of the selected scenarios (each round measures its own references). */
  repeat: number
  /** Measure the reference (a) again right before every other row and take that row's ratio to it. */
  paired: boolean
  /** Records a v3 stream (produce d) keeps outstanding per connection. */
  streamWindow?: number
}

// ---------------------------------------------------------------------------------------------------------------

export interface Run {
  /** Names the result files, e.g. the proxy log `<benchmark>-<stamp>-proxy.log`. */
  benchmark: 'produce' | 'consume'
  options: Options
  kafka: BenchKafka
  stamp: string
  profileRoot: string
  rows: Row[]
  profiles: { row: string; summary: ProfileSummary }[]
  proxyStarts: Map<string, number>
  /** More environment for every proxy of the run (e.g. the Schema Registry's URL). */
  proxyEnv?: Record<string, string>
  /** The Schema Registry of runs with schema'd rows. */
  registry?: BenchRegistry
}

/** Starts the run's Schema Registry (once) and points every later proxy at it. */
export async function useRegistry(run: Run): Promise<BenchRegistry> {
  if (!run.registry) {
    run.registry = await startBenchRegistry(log)
    run.proxyEnv = { ...run.proxyEnv, KAFKA_REST_SCHEMA_REGISTRY_URL: run.registry.url }
  }
  return run.registry
}

/** Registers the benchmark documents' Avro schema under `<topic>-value`; its id. */
export async function registerDocument(run: Run, topic: string): Promise<number> {
  return (await useRegistry(run)).registerAvro(`${topic}-value`, documentSchema)
}

export const log = (message: string) => process.stderr.write(`# ${message}\n`)

export interface Measured {
  result: LoadResult
  /** CPU over the window, 100 = one core; null when there is no such process. */
  proxyCpuPercent: number | null
  brokerCpuPercent: number | null
  /** Everything else on the machine: all cores' busy time minus proxy, broker and generator. */
  otherCpuPercent: number
  /** All cores together: 100 = the whole machine busy. */
  machineCpuPercent: number
}

export interface CpuSample {
  proxy: number
  broker: number
  machine: { busy: number; total: number }
}

export const jiffiesPerSecond = 100

export function sampleCpu(run: Run, proxyPid: number | undefined): CpuSample {
  return {
    proxy: proxyPid === undefined ? NaN : cpuSeconds(proxyPid),
    broker: run.kafka.pids.length === 0 ? NaN : run.kafka.pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0),
    machine: machineCpu()
  }
}

export function cpuBetween(from: CpuSample, to: CpuSample, seconds: number, generatorSeconds: number) {
  const percent = (cpu: number) => (100 * cpu) / seconds
  const machineCores = percent((to.machine.busy - from.machine.busy) / jiffiesPerSecond)
  const proxy = percent(to.proxy - from.proxy)
  const broker = percent(to.broker - from.broker)
  const ours = [proxy, broker, percent(generatorSeconds)].filter(Number.isFinite).reduce((a, b) => a + b, 0)
  return {
    proxyCpuPercent: Number.isNaN(proxy) ? null : proxy,
    brokerCpuPercent: Number.isNaN(broker) ? null : broker,
    otherCpuPercent: Math.max(0, machineCores - ours),
    machineCpuPercent: (100 * (to.machine.busy - from.machine.busy)) / (to.machine.total - from.machine.total)
  }
}

// Runs one job in its own process; samples proxy, broker and machine CPU at the window's edges.
export async function measure(module: string, job: LoadJobLike, run: Run, proxyPid?: number): Promise<Measured> {
  let first: CpuSample | undefined
  let last: CpuSample | undefined
  let seconds = NaN
  const timers: NodeJS.Timeout[] = []
  const onWindow = (measureStart: number, measureEnd: number) => {
    seconds = (measureEnd - measureStart) / 1000
    timers.push(setTimeout(() => (first = sampleCpu(run, proxyPid)), measureStart - Date.now()))
    timers.push(setTimeout(() => (last = sampleCpu(run, proxyPid)), measureEnd - Date.now()))
  }
  const { window } = run.options
  try {
    const result = await runJob<LoadResult>(module, job, {
      timeoutMs: window.warmupMs + window.durationMs + window.drainMs + 60_000,
      onWindow
    })
    last ??= sampleCpu(run, proxyPid)
    const cpu = first
      ? cpuBetween(first, last, seconds, result.cpuSeconds)
      : { proxyCpuPercent: null, brokerCpuPercent: null, otherCpuPercent: NaN, machineCpuPercent: NaN }
    return { result, ...cpu }
  } finally {
    for (const timer of timers) clearTimeout(timer)
  }
}

// The machine is shared: before a row, wait (bounded) until other processes use less than `quietPercent` of a
// core, so that rows are not measured while e.g. a test suite runs. Returns a note when it never got quiet.
export const quietPercent = 25

export async function waitForQuiet(run: Run): Promise<string | undefined> {
  const deadline = Date.now() + run.options.quietWaitMs
  let other = NaN
  let announced = false
  for (let attempt = 0; attempt < 3600; attempt++) {
    const before = sampleCpu(run, undefined)
    await sleep(1000)
    other = cpuBetween(before, sampleCpu(run, undefined), 1, 0).otherCpuPercent
    if (other < quietPercent) return undefined
    if (Date.now() >= deadline || wasInterrupted()) break
    if (!announced)
      log(
        `other processes use ${other.toFixed(0)} % CPU: waiting up to ${run.options.quietWaitMs / 1000} s for a quiet machine`
      )
    announced = true
  }
  return `other processes used ${other.toFixed(0)} % CPU when the row started`
}

export type LoadJobLike = HttpJob | StreamJob | ReferenceJob | ConsumeJob | LatencyJob | ReadReferenceJob

export function toRow(
  base: Pick<Row, 'scenario' | 'description' | 'valueBytes' | 'connections' | 'latencyOf'>,
  measured: Measured,
  proxyRssMb: number | null,
  run: Run
): Row {
  const { result } = measured
  const seconds = result.windowMs / 1000
  const latency = Histogram.from(result.latency)
  const recordsPerSec = result.records / seconds
  // The latest reference of this size: with --paired, the one measured just before this row.
  const reference = run.rows.findLast(r => r.scenario === 'a' && r.valueBytes === base.valueBytes)
  const notes: string[] = []
  if (result.skipped) notes.push(`skipped: ${result.skipped}`)
  if (result.firstError) notes.push(`first error: ${result.firstError}`)
  if (result.notes) notes.push(...result.notes)
  const sendLagP99Ms = result.sendLag ? Histogram.from(result.sendLag).percentile(99) / 1000 : undefined
  if (sendLagP99Ms !== undefined) notes.push(`generator send lag p99 ${sendLagP99Ms.toFixed(2)} ms`)
  const fromSendP99Ms = result.fromSend ? Histogram.from(result.fromSend).percentile(99) / 1000 : undefined
  if (fromSendP99Ms !== undefined) notes.push(`p99 from the actual send ${fromSendP99Ms.toFixed(2)} ms`)
  if (measured.otherCpuPercent >= quietPercent)
    notes.push(`disturbed: other processes used ${measured.otherCpuPercent.toFixed(0)} % CPU during the window`)
  return {
    ...base,
    recordsPerSec,
    mbPerSec: result.bytes / seconds / 1e6,
    requestsPerSec: base.latencyOf === 'record' ? NaN : result.requests / seconds, // d: one request per connection
    ratioToA:
      reference && base.scenario !== 'a' && reference.recordsPerSec > 0
        ? recordsPerSec / reference.recordsPerSec
        : null,
    p50Ms: latency.percentile(50) / 1000,
    p99Ms: latency.percentile(99) / 1000,
    proxyRssMb,
    proxyCpuPercent: measured.proxyCpuPercent,
    brokerCpuPercent: measured.brokerCpuPercent,
    generatorCpuPercent: (100 * result.cpuSeconds) / seconds,
    otherCpuPercent: measured.otherCpuPercent,
    machineCpuPercent: measured.machineCpuPercent,
    errors: result.errors,
    ...(sendLagP99Ms === undefined ? {} : { sendLagP99Ms }),
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    timeline: result.timeline
  }
}

export type RowBase = Pick<Row, 'scenario' | 'description' | 'valueBytes' | 'connections' | 'latencyOf'>

// Placeholder identity of a row, for progress lines and failed rows.
export const rowBase = (scenario: string, valueBytes: number | null): RowBase => ({
  scenario,
  description: scenario,
  valueBytes,
  connections: 0,
  latencyOf: 'request'
})

// One row: wait for a quiet machine, measure; measured again (up to --retries times) when other processes
// disturbed it; a failing row is reported as such and the run goes on. undefined when the run was interrupted.
export async function measureRow(run: Run, base: RowBase, body: () => Promise<Row>): Promise<Row | undefined> {
  let row: Row | undefined
  const { retries } = run.options
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (wasInterrupted()) return undefined
    const label = `${base.scenario}${base.valueBytes === null ? '' : ` with ${base.valueBytes} B values`}`
    log(`running ${label}${attempt > 0 ? ` again (${attempt}/${retries}): it was disturbed` : ''}...`)
    const busy = await waitForQuiet(run)
    try {
      row = await body()
    } catch (error) {
      if (wasInterrupted()) return undefined
      log(`${base.scenario} failed: ${(error as Error).stack ?? String(error)}`)
      row = failedRow(base, `failed: ${(error as Error).message.split('\n')[0]}`)
      break
    }
    if (busy) row.note = [row.note, busy].filter(Boolean).join('; ')
    if (!(row.otherCpuPercent >= quietPercent)) break
  }
  return row
}

export function failedRow(base: RowBase, note: string): Row {
  return { ...skippedRow(base, ''), note }
}

export function skippedRow(base: RowBase, note: string): Row {
  return {
    ...base,
    recordsPerSec: NaN,
    mbPerSec: NaN,
    requestsPerSec: NaN,
    ratioToA: null,
    p50Ms: NaN,
    p99Ms: NaN,
    proxyRssMb: null,
    proxyCpuPercent: null,
    brokerCpuPercent: null,
    generatorCpuPercent: NaN,
    otherCpuPercent: NaN,
    machineCpuPercent: NaN,
    errors: 0,
    note: `skipped: ${note}`
  }
}

export const rowKey = (row: Pick<Row, 'scenario' | 'valueBytes'>) =>
  `${row.scenario.replace('/', '-half')}-${row.valueBytes ?? 'none'}`

// A fresh topic for one row, deleted afterwards (keeps the broker's disk use bounded).
export async function withTopic<T>(run: Run, key: string, body: (topic: string) => Promise<T>): Promise<T> {
  const topic = `bench-${key}-${randomBytes(3).toString('hex')}`
  await run.kafka.createTopic(topic, run.options.partitions)
  try {
    return await body(topic)
  } finally {
    await run.kafka.deleteTopic(topic).catch((error: unknown) => {
      if (!wasInterrupted()) log(`deleting ${topic} failed: ${String(error)}`)
    })
  }
}

// A fresh proxy for one row: its RSS is read at the end of the row, its profile (if any) summarized after it exits.
export async function withProxy(
  run: Run,
  key: string,
  body: (proxy: RunningProxy) => Promise<Measured>
): Promise<{ measured: Measured; rssMb: number; peakRssMb: number }> {
  // A row measured again gets a new folder: summaries read every profile of theirs.
  const starts = (run.proxyStarts.get(key) ?? 0) + 1
  run.proxyStarts.set(key, starts)
  const label = starts === 1 ? key : `${key}-attempt${starts}`
  const profileDir = run.options.profile ? join(run.profileRoot, label) : undefined
  const proxy = await startProxy({
    bootstrapServers: run.kafka.bootstrapServers,
    logFile: join(resultsDir, `${run.benchmark}-${run.stamp}-proxy.log`),
    label,
    profileDir,
    env: run.proxyEnv
  })
  let measured: Measured
  let rssMb: number
  let peakRssMb: number
  try {
    measured = await body(proxy)
    rssMb = rssBytes(proxy.pid) / 2 ** 20
    peakRssMb = rssBytes(proxy.pid, 'VmHWM') / 2 ** 20
  } finally {
    await proxy.stop()
  }
  if (profileDir) {
    for (const summary of await summarizeProfiles(profileDir, repoRoot)) run.profiles.push({ row: label, summary })
  }
  return { measured, rssMb, peakRssMb }
}

// ---------------------------------------------------------------------------------------------------------------
// Scenarios

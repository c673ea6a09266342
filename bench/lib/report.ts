// The benchmark's output: one row per scenario run, the machine it ran on, a markdown table.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, release, totalmem } from 'node:os'
import { join } from 'node:path'
import { type LoadResult } from './measure.ts'

export interface Row {
  /** produce: a, b, c, c/2, d1, d4, e; consume: a, b1, b4, c1, c4, d */
  scenario: string
  description: string
  valueBytes: number | null
  connections: number
  recordsPerSec: number
  /** Payload (record value) megabytes per second, 1 MB = 10^6 bytes. */
  mbPerSec: number
  requestsPerSec: number
  /** records/s divided by those of (a) with the same value size. */
  ratioToA: number | null
  p50Ms: number
  p99Ms: number
  /** What the latency columns measure. */
  latencyOf: 'request' | 'send' | 'record' | 'none'
  proxyRssMb: number | null
  /** CPU of the proxy process over the window; 100 = one core. */
  proxyCpuPercent: number | null
  brokerCpuPercent: number | null
  generatorCpuPercent: number
  /** Processes outside the benchmark (100 = one core): high values mean the row was disturbed. */
  otherCpuPercent: number
  /** All cores together: 100 = the whole machine busy. */
  machineCpuPercent: number
  errors: number
  /** Open loop (c/2): p99 of how late the generator itself sent requests; a large value taints the latencies. */
  sendLagP99Ms?: number
  note?: string
  /** With --repeat: the round (from 1) the row was measured in. */
  round?: number
  /** Per second of the window (JSON only). */
  timeline?: LoadResult['timeline']
}

export interface Machine {
  cores: number
  cpuModel: string
  memoryGb: number
  os: string
  node: string
  kafka: string
  kafkaClient: string
  undici: string
  commit: string
}

const packageVersion = (root: string, name: string): string => {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string
    }
    return pkg.version
  } catch {
    return 'unknown'
  }
}

function gitCommit(root: string): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', timeout: 5000 }).trim()
    const dirty = git('status', '--porcelain', '--untracked-files=no') === '' ? '' : ' (with uncommitted changes)'
    return git('rev-parse', '--short', 'HEAD') + dirty
  } catch {
    return 'unknown'
  }
}

export function describeMachine(root: string, kafka: string): Machine {
  const cpuList = cpus()
  return {
    cores: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `Linux ${release()}`,
    node: process.version,
    kafka,
    kafkaClient: `@platformatic/kafka ${packageVersion(root, '@platformatic/kafka')}`,
    undici: packageVersion(root, 'undici'),
    commit: gitCommit(root)
  }
}

const fmt = (value: number | null, digits = 0): string =>
  value === null || !Number.isFinite(value)
    ? '–'
    : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

const sizeLabel = (valueBytes: number | null): string =>
  valueBytes === null ? '–' : valueBytes >= 1024 ? `${valueBytes / 1024} KiB` : `${valueBytes} B`

// With --repeat, rows and their notes name their round.
const roundTag = (row: Row): string => (row.round ? `#${row.round} ` : '')

const produceLegend = [
  'Latency: per HTTP request (b, c, e, f), per producer send of 100 records (a), per record from write to its',
  'delivery report (d, g); c/2 is open loop, measured from the intended send time. MB/s counts record values only.',
  'f, g: the same JSON documents sent as JSON and as Avro (by schema id); the avro row notes its share of the json one.'
]

/** Notes on `row` its records/s as a share of `reference`'s (a schema'd row against its JSON twin). */
export function noteShare(row: Row | undefined, reference: Row | undefined): void {
  if (!row || !reference || !(reference.recordsPerSec > 0) || row.note?.startsWith('skipped')) return
  const share = `${Math.round((100 * row.recordsPerSec) / reference.recordsPerSec)} % of ${reference.scenario}`
  row.note = [share, row.note].filter(Boolean).join('; ')
}

/** `legend`: what the latency columns mean, under the table (default: the produce benchmark's). */
export function markdown(
  rows: Row[],
  machine: Machine,
  window: { warmupS: number; durationS: number; text?: string },
  legend: string[] = produceLegend
): string {
  const header = [
    'scenario',
    'value',
    'conns',
    'records/s',
    'MB/s',
    'vs (a)',
    'req/s',
    'p50 ms',
    'p99 ms',
    'proxy RSS MB',
    'proxy CPU %',
    'broker CPU %',
    'gen CPU %',
    'other CPU %',
    'errors'
  ]
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`]
  for (const r of rows) {
    const cells = [
      `${roundTag(r)}${r.scenario}: ${r.description}`,
      sizeLabel(r.valueBytes),
      String(r.connections),
      r.note?.startsWith('skipped') ? 'skipped' : fmt(r.recordsPerSec),
      fmt(r.mbPerSec, 1),
      r.ratioToA === null ? '–' : `${fmt(100 * r.ratioToA)} %`,
      fmt(r.requestsPerSec),
      fmt(r.p50Ms, 2),
      fmt(r.p99Ms, 2),
      fmt(r.proxyRssMb),
      fmt(r.proxyCpuPercent),
      fmt(r.brokerCpuPercent),
      fmt(r.generatorCpuPercent),
      fmt(r.otherCpuPercent),
      String(r.errors)
    ]
    lines.push(`| ${cells.join(' | ')} |`)
  }
  const notes = rows.filter(r => r.note).map(r => `- ${roundTag(r)}${r.scenario} (${r.valueBytes ?? '–'} B): ${r.note}`)
  return [
    `Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGb} GB, ${machine.os}; Node ${machine.node}; ` +
      `Kafka ${machine.kafka}; ${machine.kafkaClient}; undici ${machine.undici}; commit ${machine.commit}.`,
    window.text ??
      `Each row: ${window.warmupS} s warm-up, then ${window.durationS} s measured. Broker, proxy and load generator share the machine.`,
    '',
    ...lines,
    '',
    ...legend,
    'CPU: 100 % = one core (over the measured window); "other" is everything on the machine outside the benchmark.',
    ...(notes.length > 0 ? ['', 'Notes:', ...notes] : [])
  ].join('\n')
}

/** One row of the --repeat summary: a scenario and size over every round that measured it. */
export interface MedianRow {
  scenario: string
  valueBytes: number | null
  rounds: number
  recordsPerSec: number
  /** Median of the rounds' ratios (each to the reference of its own round, or the adjacent one with --paired). */
  ratioToA: number | null
  ratios: number[]
  p50Ms: number
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((x, y) => x - y)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Per scenario and size, in the order first measured: medians over the rounds (skipped rows left out). */
export function medianRows(rows: Row[]): MedianRow[] {
  const groups = new Map<string, Row[]>()
  for (const row of rows) {
    if (row.note?.startsWith('skipped')) continue
    const key = `${row.scenario} ${row.valueBytes}`
    const group = groups.get(key)
    if (group) group.push(row)
    else groups.set(key, [row])
  }
  return [...groups.values()].map(group => {
    const ratios = group.flatMap(r => (r.ratioToA === null ? [] : [r.ratioToA]))
    return {
      scenario: group[0].scenario,
      valueBytes: group[0].valueBytes,
      rounds: group.length,
      recordsPerSec: median(group.map(r => r.recordsPerSec)),
      ratioToA: ratios.length > 0 ? median(ratios) : null,
      ratios,
      p50Ms: median(group.map(r => r.p50Ms))
    }
  })
}

export function medianTable(medians: MedianRow[]): string {
  const lines = [
    '| scenario | value | rows | median records/s | median vs (a) | each vs (a) | median p50 ms |',
    '| --- | --- | ---: | ---: | ---: | --- | ---: |'
  ]
  for (const m of medians) {
    const each = m.ratios.map(r => `${fmt(100 * r)} %`).join(', ') || '–'
    const ratio = m.ratioToA === null ? '–' : `${fmt(100 * m.ratioToA)} %`
    lines.push(
      `| ${m.scenario} | ${sizeLabel(m.valueBytes)} | ${m.rounds} | ${fmt(m.recordsPerSec)} | ${ratio} | ${each} | ${fmt(m.p50Ms, 2)} |`
    )
  }
  return ['Medians over the rounds (--repeat):', '', ...lines].join('\n')
}

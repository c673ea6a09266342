// What every benchmark's main() does around its scenarios: parse the options (exit 2 on bad ones, 0 after
// --help), start the broker, run the scenarios (everything is stopped afterwards, also on errors and Ctrl-C), then
// print and write the results: `<benchmark>-<stamp>.json` (rows, machine, options, profiles and `extra`) and the
// markdown table as `.md`. With --repeat, the scenarios run round after round and a table of medians follows.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startBenchKafka } from './kafka.ts'
import { cleanupAll, installSignalHandlers } from './processes.ts'
import { formatProfile } from './profile.ts'
import { repoRoot } from './proxy.ts'
import { describeMachine, markdown, medianRows, medianTable } from './report.ts'
import { log, type Options, resultsDir, type Run } from './run.ts'

export interface Report {
  /** The line under the table saying what each row did (default: warm-up and window). */
  text?: string
  /** What the latency columns mean (default: the produce benchmark's). */
  legend?: string[]
  /** More of the run for the JSON file (e.g. the pre-filled topics). */
  extra?: Record<string, unknown>
}

export async function benchMain<O extends Options>(
  benchmark: 'produce' | 'consume',
  args: string[],
  config: { usage: string; parse: (args: string[]) => O | undefined },
  scenarios: (run: Run, options: O) => Promise<Report>
): Promise<number> {
  let options: O | undefined
  try {
    options = config.parse(args)
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${config.usage}`)
    return 2
  }
  if (!options) return 0
  installSignalHandlers()
  await mkdir(resultsDir, { recursive: true })
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19)
  const kafka = await startBenchKafka(log)
  const run: Run = {
    benchmark,
    options,
    kafka,
    stamp,
    profileRoot: join(resultsDir, `${benchmark}-${stamp}-profiles`),
    rows: [],
    profiles: [],
    proxyStarts: new Map()
  }
  let report: Report = {}
  try {
    for (let round = 1; round <= options.repeat; round++) {
      if (options.repeat > 1) log(`round ${round} of ${options.repeat}`)
      const first = run.rows.length
      report = await scenarios(run, options)
      if (options.repeat > 1) for (const row of run.rows.slice(first)) row.round = round
    }
  } finally {
    await cleanupAll()
  }
  const machine = describeMachine(repoRoot, kafka.description)
  const window = {
    warmupS: options.window.warmupMs / 1000,
    durationS: options.window.durationMs / 1000,
    text: report.text
  }
  const medians = options.repeat > 1 ? medianRows(run.rows) : undefined
  const table = [markdown(run.rows, machine, window, report.legend), ...(medians ? [medianTable(medians)] : [])].join(
    '\n\n'
  )
  const jsonPath = join(resultsDir, `${benchmark}-${stamp}.json`)
  const json = {
    benchmark,
    startedAt: stamp,
    machine,
    options: { ...options, only: [...options.only] },
    ...report.extra,
    rows: run.rows,
    ...(medians ? { medians } : {}),
    profiles: run.profiles
  }
  await writeFile(jsonPath, JSON.stringify(json, null, 2) + '\n')
  await writeFile(join(resultsDir, `${benchmark}-${stamp}.md`), table + '\n')
  console.log(table)
  for (const { row, summary } of run.profiles) console.log(`\nProxy CPU profile of ${row}:\n${formatProfile(summary)}`)
  log(`results: ${jsonPath}`)
  return 0
}

// The options every benchmark shares (window, scenarios, sizes, partitions, profiling, quiet machine, retries),
// parsed once here; each benchmark adds its own (`extra`) and reads them from `values`.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { type Options } from './run.ts'

type Spec = NonNullable<ParseArgsConfig['options']>

export const commonUsage = `  --duration <s>       measured seconds per row (default 10)
  --warmup <s>         warm-up seconds before each row (default 5; each proxy row starts a fresh proxy)
  --only <list>        scenarios to run, comma separated (default all; see above)
  --sizes <list>       record value sizes in bytes (default 100,1024)`

export const commonTail = `  --profile            run the proxy with --cpu-prof and print its top functions (also BENCH_PROFILE=1)
  --quiet-wait <s>     before each row, wait up to this long for other processes to go quiet (default 120)
  --retries <n>        measure a row again, up to n times, when other processes disturbed it (default 2)
  --repeat <n>         run the selected scenarios n times over, round after round, and add a table of each
                       row's median records/s and median ratio to (a) (default 1)
  -h, --help           this text

Environment: KAFKA_BOOTSTRAP_SERVERS uses that cluster instead of starting a broker; BENCH_PROXY_NODE_ARGS and
BENCH_LOADGEN_NODE_ARGS add Node options to the proxy / load generator processes (e.g. --trace-gc).`

export function number(name: string, text: string, min: number, max: number): number {
  const value = Number(text)
  if (!Number.isFinite(value) || value < min || value > max)
    throw new Error(`--${name}: expected ${min}..${max}, got ${text}`)
  return value
}

export const list = (name: string, text: string, min: number, max: number): number[] =>
  text.split(',').map(s => number(name, s.trim(), min, max))

/**
 * Parses `args`: the common options into `options`, the benchmark's own into `values` (strings as given).
 * undefined when --help was asked for (the usage is printed).
 */
export function parseBenchArgs(
  args: string[],
  config: { usage: string; scenarioIds: readonly string[]; parts?: readonly string[]; partitions: number; extra?: Spec }
): { options: Options; values: Record<string, string | boolean | undefined> } | undefined {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '5' },
      only: { type: 'string', default: config.scenarioIds.join(',') },
      sizes: { type: 'string', default: '100,1024' },
      partitions: { type: 'string', default: String(config.partitions) },
      profile: { type: 'boolean', default: false },
      'quiet-wait': { type: 'string', default: '120' },
      retries: { type: 'string', default: '2' },
      repeat: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h', default: false },
      ...config.extra
    }
  })
  if (values.help) {
    console.log(config.usage)
    return undefined
  }
  const all = values as Record<string, string | boolean | undefined>
  const text = (name: string) => all[name] as string
  const only = text('only')
    .split(',')
    .map(s => s.trim().toLowerCase())
  for (const id of only) {
    if (!config.scenarioIds.includes(id) && !config.parts?.includes(id))
      throw new Error(
        `--only: unknown scenario "${id}" (known: ${[...config.scenarioIds, ...(config.parts ?? [])].join(',')})`
      )
  }
  return {
    values: all,
    options: {
      window: {
        durationMs: number('duration', text('duration'), 1, 600) * 1000,
        warmupMs: number('warmup', text('warmup'), 0, 120) * 1000,
        drainMs: 10_000
      },
      only: new Set(only),
      sizes: list('sizes', text('sizes'), 1, 1_000_000),
      partitions: number('partitions', text('partitions'), 1, 1000),
      profile: values.profile === true || process.env.BENCH_PROFILE === '1',
      quietWaitMs: number('quiet-wait', text('quiet-wait'), 0, 3600) * 1000,
      brokerWarmupMs: 0,
      paired: false,
      retries: number('retries', text('retries'), 0, 10),
      repeat: number('repeat', text('repeat'), 1, 50)
    }
  }
}

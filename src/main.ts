#!/usr/bin/env node
// CLI: kafka-rest [config.properties] [--override key=value ...]; --help; --version.
// Configuration errors are reported all at once, one line per key, before any port is bound.
import { parseArgs } from 'node:util'
import { setFlagsFromString } from 'node:v8'
import { readFileSync } from 'node:fs'
import { type FastifyInstance } from 'fastify'
import { buildApp } from './app.ts'
import { clientOptions } from './config/client-options.ts'
import { ConfigError, listenersOf, loadConfig } from './config/load.ts'
import { type Config, settings } from './config/settings.ts'

export const version: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version

export function usage(): string {
  const rows = Object.entries(settings).map(([key, def]) => {
    const value = Array.isArray(def.default) ? def.default.join(',') : String(def.default)
    return `  ${key.padEnd(36)} ${def.doc} (default: ${value === '' ? '""' : value})`
  })
  return [
    `kafka-rest ${version}: HTTP/REST proxy for Apache Kafka (Confluent REST Proxy API v2 and v3)`,
    '',
    'usage: kafka-rest [config.properties] [--override key=value ...]',
    '',
    'Settings come from, in rising precedence: defaults, the .properties file, KAFKA_REST_* environment',
    'variables (KAFKA_REST_BOOTSTRAP_SERVERS -> bootstrap.servers), and --override.',
    'client.*, admin.*, producer.* and consumer.* are passed to the Kafka clients with the prefix removed.',
    '',
    'Settings:',
    ...rows,
    ''
  ].join('\n')
}

export interface Cli {
  help: boolean
  version: boolean
  file?: string
  overrides: Record<string, string>
}

export function parseCli(argv: string[]): Cli {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      override: { type: 'string', multiple: true, short: 'o' }
    }
  })
  if (positionals.length > 1)
    throw new ConfigError([`expected at most one configuration file, got ${positionals.join(' ')}`])
  const overrides: Record<string, string> = {}
  const problems: string[] = []
  for (const pair of values.override ?? []) {
    const eq = pair.indexOf('=')
    if (eq <= 0) problems.push(`--override ${pair}: expected key=value`)
    else overrides[pair.slice(0, eq).trim()] = pair.slice(eq + 1)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return { help: values.help ?? false, version: values.version ?? false, file: positionals[0], overrides }
}

// Loads and checks everything that can be checked without Kafka; throws ConfigError listing every problem.
export function configure(cli: Cli, env: Record<string, string | undefined>): { config: Config; warnings: string[] } {
  const { config, warnings } = loadConfig({ file: cli.file, env, overrides: cli.overrides })
  const clients = clientOptions(config)
  if (clients.problems.length > 0) throw new ConfigError(clients.problems)
  return { config, warnings: [...warnings, ...clients.warnings] }
}

// V8 collects a heap whose objects hold much memory outside it (Buffers) with a full mark-compact each time that
// outside memory grows by 64 MB. The proxy's heap is small and its Buffers are many (socket reads, fetched
// records, request bodies): reading 1 KiB records, that meant a full GC every ~90 ms and 15 % of the thread.
// Counting the outside memory in V8's global limit instead halved the CPU per record read (the bench's
// consume b1/b4 at 1 KiB: 2x records/s) for ~80 MB more RSS.
const gcFlags = '--external-memory-accounted-in-global-limit'

export async function startProxy(config: Config, warnings: string[]): Promise<FastifyInstance> {
  setFlagsFromString(gcFlags)
  const app = await buildApp(config)
  for (const warning of warnings) app.log.warn(warning)
  for (const listener of listenersOf(config)) await app.listen({ host: listener.host, port: listener.port })
  app.services.produce.warm()
  return app
}

// SIGINT/SIGTERM: stop accepting, give in-flight requests shutdown.graceful.ms, then close Kafka clients.
export function stopOnSignals(config: Config, stop: () => Promise<void>): void {
  let stopping = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    const force = setTimeout(() => process.exit(1), config['shutdown.graceful.ms'] + 10000)
    force.unref()
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`error while stopping on ${signal}:`, error)
        process.exit(1)
      }
    )
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
}

export async function closeGracefully(app: FastifyInstance, graceMs: number): Promise<void> {
  const timer = setTimeout(() => app.server.closeAllConnections(), graceMs)
  try {
    await app.close()
  } finally {
    clearTimeout(timer)
  }
}

async function main(): Promise<void> {
  let cli: Cli
  let loaded: { config: Config; warnings: string[] }
  try {
    cli = parseCli(process.argv.slice(2))
    if (cli.help) return void process.stdout.write(usage())
    if (cli.version) return void process.stdout.write(`${version}\n`)
    loaded = configure(cli, process.env)
    if (loaded.config['bootstrap.servers'].length === 0) {
      throw new ConfigError(['bootstrap.servers: required (or use `npm start`, which runs a local dev Kafka)'])
    }
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`)
    process.exit(2)
  }
  const app = await startProxy(loaded.config, loaded.warnings)
  stopOnSignals(loaded.config, () => closeGracefully(app, loaded.config['shutdown.graceful.ms']))
}

if (import.meta.main) await main()

// `npm start [config.properties] [--override k=v ...]`: the proxy, plus a local single-node dev Kafka (data in
// .data/kafka, kept across restarts) when no bootstrap.servers is configured. With bootstrap.servers set it never
// starts one. Ctrl-C / SIGTERM stops the proxy first, then the dev broker.
import { resolve } from 'node:path'
import { loadConfig } from '../src/config/load.ts'
import { closeGracefully, configure, parseCli, startProxy, stopOnSignals, usage, version } from '../src/main.ts'
import { devKafkaPorts, startDevKafka } from '../tools/kafka/dev.ts'

const repoRoot = resolve(import.meta.dirname, '..')

let cli
let loaded
try {
  cli = parseCli(process.argv.slice(2))
  if (cli.help) {
    process.stdout.write(usage())
    process.exit(0)
  }
  if (cli.version) {
    process.stdout.write(`${version}\n`)
    process.exit(0)
  }
  loaded = configure(cli, process.env)
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`)
  process.exit(2)
}

let config = loaded.config
let stopKafka = async () => {}
if (config['bootstrap.servers'].length === 0) {
  console.log(
    `No bootstrap.servers configured: starting a local dev Kafka on 127.0.0.1:${devKafkaPorts.client} (data in .data/kafka)`
  )
  const kafka = await startDevKafka(repoRoot, msg => console.log(msg)).catch((error: unknown) => {
    console.error((error as Error).message)
    process.exit(1)
  })
  stopKafka = () => kafka.stop()
  config = loadConfig({
    file: cli.file,
    env: process.env,
    overrides: { ...cli.overrides, 'bootstrap.servers': kafka.bootstrapServers }
  }).config
}

const app = await startProxy(config, loaded.warnings)
stopOnSignals(config, async () => {
  await closeGracefully(app, config['shutdown.graceful.ms'])
  await stopKafka()
})

// `npm run kafka`: runs the persistent Kafka dev broker in the foreground (127.0.0.1:9092, data in .data/kafka)
// until Ctrl-C / SIGTERM. `npm run kafka:reset` (`--reset`) deletes .data/kafka and exits.
import { rm } from 'node:fs/promises'
import { resolve } from 'node:path'
import { devKafkaDataDir, devKafkaPorts, startDevKafka } from '../tools/kafka/dev.ts'
import { isPortFree, type KafkaCluster, kafkaVersion } from '../tools/kafka/runtime.ts'

const repoRoot = resolve(import.meta.dirname, '..')
const log = (msg: string) => console.log(msg)

if (process.argv.includes('--reset')) {
  if (!(await isPortFree(devKafkaPorts.client))) {
    console.error(`Port ${devKafkaPorts.client} is in use: stop the running dev broker before resetting its data.`)
    process.exit(1)
  }
  await rm(devKafkaDataDir(repoRoot), { recursive: true, force: true })
  log('Deleted .data/kafka')
  process.exit(0)
}

let cluster: KafkaCluster | undefined
let stopping = false
const shutdown = (signal: NodeJS.Signals) => {
  // Before the broker is ready (or on a second Ctrl-C) just exit: runtime.ts SIGKILLs the JVM on process exit.
  if (!cluster || stopping) process.exit(130)
  stopping = true
  log(`${signal}: stopping Kafka...`)
  cluster.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err)
      process.exit(1)
    }
  )
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
process.on('SIGHUP', shutdown)
// Nothing but the JVM keeps this process alive: if the loop empties without a stop, the broker died on its own.
process.on('beforeExit', () => {
  if (!stopping) {
    console.error('Kafka dev broker exited unexpectedly (see its output above)')
    process.exitCode = 1
  }
})

try {
  const started = performance.now()
  cluster = await startDevKafka(repoRoot, log)
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  log(`Kafka ${kafkaVersion} dev broker ready on ${cluster.bootstrapServers} (data in .data/kafka)`)
  log(`(started in ${seconds} s; Ctrl-C stops it)`)
} catch (err) {
  console.error((err as Error).message)
  process.exit(1)
}

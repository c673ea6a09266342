// The persistent dev broker: one node on the fixed ports 127.0.0.1:9092 (client) / 9093 (controller), data kept
// in <repo>/.data/kafka across restarts. Shared by `npm run kafka` (scripts/kafka.ts) and the `npm start` launcher.
import { join } from 'node:path'
import { ensureKafkaJars, isPortFree, type KafkaCluster, kafkaVersion, startKafka } from './runtime.ts'

export const devKafkaPorts = { client: 9092, controller: 9093 }

export const devKafkaDataDir = (repoRoot: string): string => join(repoRoot, '.data', 'kafka')

/** Starts the dev broker; `log` gets progress messages and the broker's (WARN and up) output, prefixed `[kafka]`. */
export async function startDevKafka(repoRoot: string, log: (msg: string) => void): Promise<KafkaCluster> {
  for (const port of [devKafkaPorts.client, devKafkaPorts.controller]) {
    if (!(await isPortFree(port))) {
      throw new Error(
        `Port ${port} on 127.0.0.1 is already in use, so the Kafka dev broker cannot start. ` +
          'Is a dev broker already running (`npm run kafka` or `npm start` in another terminal)? Stop it first, ' +
          'or stop whatever else is listening there (`ss -ltnp | grep :' +
          `${port}\`).`
      )
    }
  }
  await ensureKafkaJars(log)
  log(`Starting Kafka ${kafkaVersion} dev broker (data in .data/kafka)...`)
  return startKafka({
    dataDir: devKafkaDataDir(repoRoot),
    ports: [devKafkaPorts],
    fresh: false,
    log: line => log(`[kafka] ${line}`),
    onExit: (_node, code, signal) => log(`[kafka] dev broker exited unexpectedly (${signal ?? `exit code ${code}`})`)
  })
}

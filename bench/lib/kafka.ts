// The broker of a benchmark run: its own fresh single-node Kafka (full JIT) in a temp folder, or the cluster
// named by KAFKA_BOOTSTRAP_SERVERS. Topics are created and deleted with the Admin client.
import { Admin } from '@platformatic/kafka'
import { readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type KafkaCluster, kafkaVersion, startKafka } from '../../tools/kafka/runtime.ts'
import { onCleanup } from './processes.ts'

export interface BenchKafka {
  bootstrapServers: string
  /** e.g. "4.3.1 (own single-node broker)" or "external (host:port)". */
  description: string
  /** Process ids of the broker JVMs (empty for an external cluster), for CPU readings. */
  pids: number[]
  createTopic(name: string, partitions: number): Promise<void>
  deleteTopic(name: string): Promise<void>
  stop(): Promise<void>
}

export async function startBenchKafka(log: (message: string) => void): Promise<BenchKafka> {
  const external = process.env.KAFKA_BOOTSTRAP_SERVERS
  let bootstrapServers: string
  let description: string
  let stopBroker = async () => {}
  let pids: number[] = []
  if (external) {
    bootstrapServers = external
    description = `external (${external})`
  } else {
    const dataDir = await mkdtemp(join(tmpdir(), 'kafka-rest-bench-'))
    const abort = new AbortController()
    const starting = startKafka({ dataDir, fresh: true, fastJit: false, signal: abort.signal })
    stopBroker = onCleanup('Kafka broker', async () => {
      abort.abort()
      const cluster: KafkaCluster | undefined = await starting.catch(() => undefined)
      await cluster?.stop()
      await rm(dataDir, { recursive: true, force: true })
    })
    const started = performance.now()
    const cluster = await starting
    bootstrapServers = cluster.bootstrapServers
    description = `${kafkaVersion} (own single-node broker)`
    pids = jvmPids(dataDir)
    log(`Kafka ${kafkaVersion} on ${bootstrapServers}, ready in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  }
  const admin = new Admin({ clientId: 'kafka-rest-bench', bootstrapBrokers: bootstrapServers.split(','), retries: 3 })
  const closeAdmin = onCleanup('Kafka admin client', () => admin.close())
  return {
    bootstrapServers,
    description,
    pids,
    async createTopic(name, partitions) {
      await admin.createTopics({ topics: [name], partitions })
    },
    async deleteTopic(name) {
      await admin.deleteTopics({ topics: [name] })
    },
    async stop() {
      await closeAdmin()
      await stopBroker()
    }
  }
}

// The broker JVMs are started by tools/kafka/runtime.ts, which does not expose their pids: find the java
// processes whose command line names a server.properties under our data folder (read-only, for CPU readings).
function jvmPids(dataDir: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')
      if (args.includes('kafka.Kafka') && args.some(arg => arg.startsWith(dataDir))) pids.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return pids
}

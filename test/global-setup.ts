// node --test --test-global-setup=test/global-setup.ts: one Kafka broker and one Schema Registry (Apicurio, in
// parallel with the broker) for the whole integration test run.
//
// Behaviour of Node 24.21's global setup (checked by experiment; rely on nothing else):
// - this module is loaded once, in the runner process only; only the named exports globalSetup/globalTeardown
//   are used (a default export is silently ignored); neither gets an argument;
// - process.env changes made in globalSetup reach the test files' child processes (and --test-isolation=none);
// - globalTeardown also runs when tests fail, and on SIGINT/SIGTERM of the runner: then it is called TWICE
//   concurrently (signal handler + normal end of run), and a signal during globalSetup runs globalTeardown while
//   globalSetup is still awaiting (the run then exits with code 0 unless process.exitCode is set). Hence the memoised, abortable teardown below;
// - if globalSetup throws, no teardown runs (and no process 'exit' handlers), so it cleans up itself.
//
// With KAFKA_BOOTSTRAP_SERVERS set, that cluster is used and no broker is started; with SCHEMA_REGISTRY_URL set,
// that registry is used and none is started.
import { Admin } from '@platformatic/kafka'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type KafkaCluster, kafkaVersion, startKafka } from '../tools/kafka/runtime.ts'
import { apicurioVersion, type SchemaRegistryServer, startRegistry } from '../tools/registry/runtime.ts'

export interface TestKafkaState {
  bootstrapServers: string
  clusterId: string
  dataDir: string | null // null when the cluster is external
  schemaRegistryUrl: string // Confluent-compatible base URL (may have a path prefix)
}

let root: string | undefined
let starting: Promise<KafkaCluster> | undefined
let startingRegistry: Promise<SchemaRegistryServer> | undefined
let tearingDown: Promise<void> | undefined
let setupDone = false
const abort = new AbortController()

export async function globalSetup(): Promise<void> {
  root = await mkdtemp(join(tmpdir(), 'kafka-rest-test-'))
  try {
    const [kafka, registry] = await Promise.allSettled([
      process.env.KAFKA_BOOTSTRAP_SERVERS ? externalState() : startBroker(root),
      process.env.SCHEMA_REGISTRY_URL ?? startSchemaRegistry()
    ])
    // both have settled: a failed start of one never leaves the other running (the catch below stops it)
    if (kafka.status === 'rejected') throw kafka.reason
    if (registry.status === 'rejected') throw registry.reason
    const state: TestKafkaState = { ...kafka.value, schemaRegistryUrl: registry.value }
    const statePath = join(root, 'state.json')
    await writeFile(statePath, JSON.stringify(state, null, 2))
    process.env.KAFKA_BOOTSTRAP_SERVERS = state.bootstrapServers
    process.env.SCHEMA_REGISTRY_URL = state.schemaRegistryUrl
    process.env.KAFKA_REST_TEST_STATE = statePath
    setupDone = true
  } catch (err) {
    const stopping = [starting, startingRegistry].map(p => p?.then(s => s.stop()).catch(() => {}))
    await Promise.all(stopping.filter(p => p !== undefined))
    await rm(root, { recursive: true, force: true })
    if (abort.signal.aborted) return // interrupted by a signal: globalTeardown is already running
    throw err
  }
}

export function globalTeardown(): Promise<void> {
  tearingDown ??= (async () => {
    // Teardown before setup finished means a signal hit the runner during setup: kill the starting broker, and
    // make the run fail (the runner would exit with code 0).
    if (!setupDone) process.exitCode = 130
    abort.abort()
    const [cluster, registry] = await Promise.all([
      starting?.catch(() => undefined),
      startingRegistry?.catch(() => undefined)
    ])
    await Promise.all([cluster?.stop() ?? Promise.resolve(), registry?.stop() ?? Promise.resolve()])
    if (root) await rm(root, { recursive: true, force: true })
  })()
  return tearingDown
}

async function startBroker(dir: string): Promise<Omit<TestKafkaState, 'schemaRegistryUrl'>> {
  const started = performance.now()
  const dataDir = join(dir, 'kafka')
  starting = startKafka({ dataDir, fresh: true, signal: abort.signal })
  const cluster = await starting
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  process.stderr.write(`# Kafka ${kafkaVersion} test broker on ${cluster.bootstrapServers}, ready in ${seconds} s\n`)
  return { bootstrapServers: cluster.bootstrapServers, clusterId: cluster.clusterId, dataDir }
}

async function startSchemaRegistry(): Promise<string> {
  const started = performance.now()
  startingRegistry = startRegistry({ signal: abort.signal })
  const registry = await startingRegistry
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  process.stderr.write(
    `# Apicurio Registry ${apicurioVersion} test registry at ${registry.url}, ready in ${seconds} s\n`
  )
  return registry.url
}

async function externalState(): Promise<Omit<TestKafkaState, 'schemaRegistryUrl'>> {
  const bootstrapServers = process.env.KAFKA_BOOTSTRAP_SERVERS!
  const admin = new Admin({ clientId: 'test-global-setup', bootstrapBrokers: bootstrapServers.split(','), retries: 2 })
  try {
    const metadata = await admin.metadata({ topics: [] })
    return { bootstrapServers, clusterId: metadata.id, dataDir: null }
  } catch (err) {
    throw new Error(`KAFKA_BOOTSTRAP_SERVERS=${bootstrapServers} is set but not reachable`, { cause: err })
  } finally {
    await admin.close()
  }
}

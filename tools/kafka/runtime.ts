// Runs real Apache Kafka (KRaft, every node a combined broker+controller, static quorum) from the jars that
// tools/kafka/pom.xml resolves into build/kafka/<version>/libs. The one place that starts Kafka: used by the dev
// broker (tools/kafka/dev.ts, scripts/kafka.ts), the integration test global setup and benchmarks.
// Recipe and rationale: shared design note kafka-runtime.md, sections 1.2-1.10 and 4.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { randomBytes, randomInt } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createConnection, createServer } from 'node:net'
import { isAbsolute, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'

export interface KafkaNodeInfo {
  nodeId: number
  port: number
  controllerPort: number
  dataDir: string
}

export interface KafkaCluster {
  bootstrapServers: string
  clusterId: string
  nodes: KafkaNodeInfo[]
  /** SIGTERM the JVM process groups, SIGKILL after ~10 s, wait for exit. Idempotent. */
  stop(): Promise<void>
  /** stop(), then start again on the same ports and data (fault tests). */
  restart(): Promise<void>
}

export interface StartKafkaOptions {
  /** Absolute; node i (1-based) uses `${dataDir}/node${i}` as its log dir and keeps its server.properties there. */
  dataDir: string
  nodes?: 1 | 3
  /** One entry per node; default: free ports picked at runtime. */
  ports?: { client: number; controller: number }[]
  /** true: rm -rf dataDir first (tests); false (default): keep data, format only nodes without meta.properties. */
  fresh?: boolean
  /** Extra server.properties entries (win over the defaults). */
  overrides?: Record<string, string>
  readyTimeoutMs?: number
  /** Receives every broker stdout/stderr line (prefixed `[nodeN] ` with 3 nodes). The last lines are always kept for errors. */
  log?: (line: string) => void
  /** Default true: -XX:TieredStopAtLevel=1 (faster start, lower peak throughput). false for benchmarks. */
  fastJit?: boolean
  /** Called when a node that was ready exits without stop()/restart() having been asked for. */
  onExit?: (node: KafkaNodeInfo, code: number | null, signal: NodeJS.Signals | null) => void
  /** Aborting while startKafka() is still waiting kills the JVMs and rejects; no effect once it resolved. */
  signal?: AbortSignal
}

const toolsDir = import.meta.dirname
const repoRoot = resolve(toolsDir, '../..')
const pomPath = join(toolsDir, 'pom.xml')
const serverLog4j = join(toolsDir, 'log4j2-server.properties')
const toolsLog4j = join(toolsDir, 'log4j2-tools.properties')
const STARTED_MESSAGE = 'Kafka Server started' // KafkaBroker.STARTED_MESSAGE, logged by kafka.server.KafkaRaftServer
const STOP_GRACE_MS = 10_000
const TAIL_LINES = 200

/** The Kafka version pinned in tools/kafka/pom.xml (single source of truth). */
export const kafkaVersion: string = readKafkaVersion()

function readKafkaVersion(): string {
  const match = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(readFileSync(pomPath, 'utf8'))
  if (!match) throw new Error(`no <kafka.version> found in ${pomPath}`)
  return match[1]
}

const libsDir = join(repoRoot, 'build', 'kafka', kafkaVersion, 'libs')

// ---------------------------------------------------------------------------------------------------------------
// Prerequisites

const javaBin = () => (process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java')
let javaChecked = false

function checkJava(): void {
  if (javaChecked) return
  const java = javaBin()
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' })
  const howTo =
    'Install a JDK/JRE 17 or newer (Debian/Ubuntu: `sudo apt-get install openjdk-17-jre-headless`) or set JAVA_HOME.'
  if (result.error)
    throw new Error(`Java not found (tried \`${java}\`): Kafka ${kafkaVersion} needs Java 17+. ${howTo}`)
  // `openjdk version "17.0.15" ...`; Java 8 prints "1.8.0_x"
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr)
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : NaN
  if (!(major >= 17))
    throw new Error(
      `Kafka ${kafkaVersion} needs Java 17+, \`${java} -version\` says: ${result.stderr.trim()}. ${howTo}`
    )
  javaChecked = true
}

function checkMaven(): void {
  const result = spawnSync('mvn', ['-v'], { encoding: 'utf8' })
  if (result.error) {
    throw new Error(
      `Maven (\`mvn\`) not found: it is needed once to fetch the Kafka ${kafkaVersion} jars into ${libsDir}. ` +
        'Install it (Debian/Ubuntu: `sudo apt-get install maven`), or run `mvn -B -q -f tools/kafka/pom.xml package` elsewhere and copy build/kafka.'
    )
  }
}

const hasJars = () => existsSync(libsDir) && readdirSync(libsDir).some(f => f.endsWith('.jar'))

/** Returns build/kafka/<version>/libs; runs Maven only when that folder is missing or holds no jar. */
export async function ensureKafkaJars(log: (msg: string) => void = msg => console.error(msg)): Promise<string> {
  if (hasJars()) return libsDir
  checkMaven()
  log(`Fetching the Kafka ${kafkaVersion} jars with Maven into ${libsDir} (first run only)...`)
  await runTool('mvn', ['-B', '-q', '-f', pomPath, 'package'])
  if (!hasJars()) throw new Error(`\`mvn package\` succeeded but ${libsDir} holds no jars`)
  return libsDir
}

/** Runs a short-lived command; rejects with its output when it fails. */
function runTool(command: string, args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise()
      else
        reject(
          new Error(`\`${command} ${args.join(' ')}\` failed (${signal ?? `exit code ${code}`}):\n${output.trim()}`)
        )
    })
  })
}

// ---------------------------------------------------------------------------------------------------------------
// Ports

/** True if a server can listen on 127.0.0.1:port right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise(resolvePromise => {
    const server = createServer()
    server.once('error', () => resolvePromise(false))
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolvePromise(true)))
  })
}

async function ephemeralPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolvePromise => server.listen({ port: 0, host: '127.0.0.1' }, resolvePromise))
  const { port } = server.address() as { port: number }
  await new Promise(resolvePromise => server.close(resolvePromise))
  return port
}

// Random ports in 10000-30000: below Linux' ephemeral range (32768-60999), where outgoing connections could take
// the port between our check and the JVM's bind. Still a check-then-use race, so keep the window short.
/** `count` distinct ports that were free on 127.0.0.1 a moment ago (random in 10000-30000, else ephemeral). */
export async function pickFreePorts(count: number): Promise<number[]> {
  const picked = new Set<number>()
  for (let attempt = 0; picked.size < count; attempt++) {
    const port = attempt < 100 ? randomInt(10000, 30000) : await ephemeralPort()
    if (!picked.has(port) && (await isPortFree(port))) picked.add(port)
  }
  return [...picked]
}

/** True if a TCP connection to 127.0.0.1:port succeeds. */
export function canConnect(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise(resolvePromise => {
    const socket = createConnection({ port, host: '127.0.0.1', timeout: timeoutMs })
    const done = (ok: boolean) => {
      socket.destroy()
      resolvePromise(ok)
    }
    socket.once('connect', () => done(true))
    socket.once('timeout', () => done(false))
    socket.once('error', () => done(false))
  })
}

// ---------------------------------------------------------------------------------------------------------------
// Config and storage

function renderServerProperties(node: KafkaNodeInfo, all: KafkaNodeInfo[], overrides: Record<string, string>): string {
  const rf = all.length
  const minIsr = all.length === 1 ? 1 : 2
  const settings: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': node.nodeId,
    // static quorum: no --standalone/--initial-controllers at format time
    'controller.quorum.voters': all.map(n => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(','),
    listeners: `PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${node.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': node.dataDir,
    'num.partitions': 1,
    'default.replication.factor': rf,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': rf,
    'offsets.topic.num.partitions': 3,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': minIsr,
    'transaction.state.log.num.partitions': 3,
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': minIsr,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': 'false',
    'message.max.bytes': 20971520,
    'num.network.threads': 2,
    'num.io.threads': 4,
    ...overrides
  }
  // Java properties: a backslash is an escape character in keys and values
  const escape = (s: string) => s.replaceAll('\\', '\\\\')
  const lines = Object.entries(settings).map(([key, value]) => `${escape(key)}=${escape(String(value))}`)
  return `# generated by tools/kafka/runtime.ts, rewritten on every start\n${lines.join('\n')}\n`
}

async function readClusterId(node: KafkaNodeInfo): Promise<string | undefined> {
  const path = join(node.dataDir, 'meta.properties')
  if (!existsSync(path)) return undefined
  const match = /^cluster\.id=(.+)$/m.exec(await readFile(path, 'utf8'))
  if (!match) throw new Error(`${path} has no cluster.id`)
  return match[1].trim()
}

/** Same shape as `kafka-storage random-uuid`: 22 base64url chars; like Kafka's Uuid.randomUuid(), never a leading '-'. */
function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

/** Formats every node without meta.properties with the cluster id of the formatted ones (or a new random id). */
async function formatStorage(nodes: KafkaNodeInfo[], libs: string): Promise<string> {
  const existing = await Promise.all(nodes.map(readClusterId))
  const ids = new Set(existing.filter(id => id !== undefined))
  if (ids.size > 1) throw new Error(`nodes under ${nodes[0].dataDir}/.. were formatted with different cluster ids`)
  const clusterId = [...ids][0] ?? randomClusterId()
  const toFormat = nodes.filter((_, i) => existing[i] === undefined)
  await Promise.all(
    toFormat.map(node =>
      runTool(javaBin(), [
        '-Xmx256m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        `-Dlog4j2.configurationFile=${toolsLog4j}`,
        '-cp',
        join(libs, '*'), // expanded by the JVM, not a shell
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${clusterId}`, // one argument: argparse4j would read a leading '-' as an option
        '--config',
        join(node.dataDir, 'server.properties')
      ])
    )
  )
  return clusterId
}

// ---------------------------------------------------------------------------------------------------------------
// Processes

// Every live JVM process group, so that an exiting Node process can kill them synchronously. The 'exit' event
// does not fire when Node dies from an unhandled signal: callers that run long (dev launcher) must handle
// SIGINT/SIGTERM themselves and call stop() (the node:test runner does that for its global teardown).
const liveGroups = new Set<number>()
let exitHookInstalled = false

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal) // negative pid: the whole process group (child spawned with detached: true)
  } catch {
    // ESRCH: already gone
  }
}

function trackGroup(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.on('exit', () => {
      for (const pid of liveGroups) killGroup(pid, 'SIGKILL')
    })
  }
  const pid = child.pid!
  liveGroups.add(pid)
  child.once('exit', () => liveGroups.delete(pid))
}

interface ExitStatus {
  code: number | null
  signal: NodeJS.Signals | null
}

interface RunningNode {
  info: KafkaNodeInfo
  child: ChildProcess
  started: Promise<void> // resolves on the STARTED_MESSAGE line
  exited: Promise<ExitStatus>
  hasExited: boolean
  ready: boolean
  stopping: boolean
}

interface LaunchContext {
  libs: string
  nodes: KafkaNodeInfo[]
  options: StartKafkaOptions
  tail: string[]
}

function spawnNode(info: KafkaNodeInfo, ctx: LaunchContext): RunningNode {
  const jvmOptions = [
    '-Xms512m',
    '-Xmx512m',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    // With 512 MB G1 picks 1 MB regions, and every request buffer of half a region or more is a humongous
    // allocation: the proxy's sends of up to max.request.size (1 MiB) had the broker run a young GC for them
    // about 10 times a second (jstat: "G1 Humongous Allocation"), against ~1 with 4 MB regions. Brokers with
    // production heaps get regions this large by themselves; Kafka's documented GC settings set 16M.
    '-XX:G1HeapRegionSize=4m',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    ...(ctx.options.fastJit === false ? [] : ['-XX:TieredStopAtLevel=1']),
    `-Dlog4j2.configurationFile=${serverLog4j}`
  ]
  const args = [...jvmOptions, '-cp', join(ctx.libs, '*'), 'kafka.Kafka', join(info.dataDir, 'server.properties')]
  // detached: the JVM leads its own process group, so stop() can signal the group and a Ctrl-C in the
  // terminal reaches only Node, which then shuts the broker down in order.
  const child = spawn(javaBin(), args, { cwd: info.dataDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  const started = Promise.withResolvers<void>()
  const exited = Promise.withResolvers<ExitStatus>()
  const node: RunningNode = {
    info,
    child,
    started: started.promise,
    exited: exited.promise,
    hasExited: false,
    ready: false,
    stopping: false
  }
  // 'error' (e.g. java vanished since checkJava) comes without an 'exit': report it as one
  child.once('error', err => {
    ctx.tail.push(`[node${info.nodeId}] spawn error: ${err.message}`)
    node.hasExited = true
    exited.resolve({ code: null, signal: null })
  })
  child.once('exit', (code, signal) => {
    node.hasExited = true
    exited.resolve({ code, signal })
    if (node.ready && !node.stopping) ctx.options.onExit?.(info, code, signal)
  })
  if (child.pid !== undefined) trackGroup(child)

  const prefix = ctx.nodes.length > 1 ? `[node${info.nodeId}] ` : ''
  const onLine = (line: string) => {
    ctx.tail.push(prefix + line)
    if (ctx.tail.length > TAIL_LINES) ctx.tail.shift()
    ctx.options.log?.(prefix + line)
    if (line.includes(STARTED_MESSAGE)) started.resolve()
  }
  createInterface({ input: child.stdout }).on('line', onLine)
  createInterface({ input: child.stderr }).on('line', onLine)
  return node
}

async function stopNodes(nodes: RunningNode[]): Promise<void> {
  await Promise.all(
    nodes.map(async node => {
      node.stopping = true
      if (node.hasExited) return
      killGroup(node.child.pid!, 'SIGTERM') // controlled shutdown
      const killTimer = setTimeout(() => killGroup(node.child.pid!, 'SIGKILL'), STOP_GRACE_MS)
      await node.exited
      clearTimeout(killTimer)
    })
  )
}

/** Spawns all nodes at once (a 3-node quorum needs 2 controllers up) and waits until every one serves. */
async function launch(ctx: LaunchContext): Promise<RunningNode[]> {
  const timeoutMs = ctx.options.readyTimeoutMs ?? 90_000
  const running = ctx.nodes.map(info => spawnNode(info, ctx))
  const cancel = new AbortController() // ends the port polling loops once the outcome is known
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  const failure = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs} ms`)), timeoutMs)
    for (const node of running) {
      void node.exited.then(({ code, signal }) => {
        reject(new Error(`node ${node.info.nodeId} exited during startup (${signal ?? `exit code ${code}`})`))
      })
    }
    onAbort = () => reject(new Error('startup aborted'))
    if (ctx.options.signal?.aborted) onAbort()
    ctx.options.signal?.addEventListener('abort', onAbort, { once: true })
  })
  failure.catch(() => {}) // a node exiting after success must not become an unhandled rejection

  const serving = async (node: RunningNode) => {
    await node.started
    // The log line is logged after the client acceptors opened; the connect proves it from outside.
    while (!cancel.signal.aborted && !(await canConnect(node.info.port))) await sleep(100)
    node.ready = true
  }
  try {
    await Promise.race([Promise.all(running.map(serving)), failure])
    return running
  } catch (err) {
    await stopNodes(running)
    const message = `Kafka ${kafkaVersion} (${ctx.nodes.length} node(s), data in ${ctx.options.dataDir}) failed to start: ${(err as Error).message}`
    throw new Error(`${message}\n--- last broker output ---\n${ctx.tail.join('\n') || '(none)'}`, { cause: err })
  } finally {
    cancel.abort()
    clearTimeout(timer)
    if (onAbort) ctx.options.signal?.removeEventListener('abort', onAbort)
  }
}

// ---------------------------------------------------------------------------------------------------------------

/** Formats (if needed) and starts a 1- or 3-node KRaft cluster on 127.0.0.1; resolves once every node serves. */
export async function startKafka(options: StartKafkaOptions): Promise<KafkaCluster> {
  const count = options.nodes ?? 1
  if (!isAbsolute(options.dataDir)) throw new Error(`startKafka: dataDir must be absolute, got ${options.dataDir}`)
  if (options.ports && options.ports.length !== count) throw new Error(`startKafka: need ${count} port pairs`)
  checkJava()
  const libs = await ensureKafkaJars()
  if (options.fresh) await rm(options.dataDir, { recursive: true, force: true })

  let ports = options.ports
  if (!ports) {
    const free = await pickFreePorts(2 * count)
    ports = Array.from({ length: count }, (_, i) => ({ client: free[2 * i], controller: free[2 * i + 1] }))
  }
  const nodes: KafkaNodeInfo[] = ports.map((p, i) => ({
    nodeId: i + 1,
    port: p.client,
    controllerPort: p.controller,
    dataDir: join(options.dataDir, `node${i + 1}`)
  }))
  for (const node of nodes) {
    await mkdir(node.dataDir, { recursive: true })
    await writeFile(
      join(node.dataDir, 'server.properties'),
      renderServerProperties(node, nodes, options.overrides ?? {})
    )
  }
  const clusterId = await formatStorage(nodes, libs)

  const ctx: LaunchContext = { libs, nodes, options, tail: [] }
  let running = await launch(ctx)

  // start/stop/restart run one after the other, so stop() during a restart() waits for it and then stops
  let queue: Promise<unknown> = Promise.resolve()
  const enqueue = (task: () => Promise<void>): Promise<void> => {
    const result = queue.then(task)
    queue = result.catch(() => {})
    return result
  }
  const stopAll = async () => {
    await stopNodes(running)
    running = [] // makes a second stop() a no-op
  }
  return {
    bootstrapServers: nodes.map(n => `127.0.0.1:${n.port}`).join(','),
    clusterId,
    nodes,
    stop: () => enqueue(stopAll),
    restart: () =>
      enqueue(async () => {
        await stopAll()
        ctx.tail.length = 0
        running = await launch({ ...ctx, options: { ...options, signal: undefined } })
      })
  }
}

// Runs a real Schema Registry: Apicurio Registry (Apache-2.0) from the runnable bundle that tools/registry/pom.xml
// unpacks into build/apicurio/<version>. It speaks Confluent's Schema Registry API under /apis/ccompat/v7, keeps
// its data in an in-memory H2 database (every start is empty) and needs no Kafka. Used by the integration test
// global setup; tests that need auth or TLS start their own. Recipe: shared design note kafka-runtime.md §2c.
//
// Why a shell wrapper around the JVM: a JVM must never outlive the Node process that started it, even when that
// process is SIGKILLed (no 'exit' handler runs then). The wrapper holds a pipe from Node on its stdin; when the
// pipe closes (Node gone, however it died) it SIGKILLs the JVM. It also forwards SIGTERM to the JVM and exits
// with the JVM's status, so Node sees the JVM's exit through the wrapper's.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'

export interface SchemaRegistryServer {
  /** Confluent-compatible base URL, e.g. http://127.0.0.1:41234/apis/ccompat/v7 */
  url: string
  port: number
  /** SIGTERM the JVM, SIGKILL after ~10 s, wait for exit. Idempotent. */
  stop(): Promise<void>
}

export interface StartRegistryOptions {
  /** Default 0: Quarkus binds a free port itself (no check-then-bind race); the real one is read from its log. */
  port?: number
  /** Basic auth with these users (password, Apicurio role such as sr-admin / sr-developer / sr-readonly). */
  users?: Record<string, { password: string; role?: string }>
  /** Serve HTTPS only, with this PEM certificate chain and key. */
  tls?: { certFile: string; keyFile: string }
  /** Extra -D system properties (Quarkus/Apicurio settings); they win over the defaults. */
  properties?: Record<string, string>
  readyTimeoutMs?: number
  /** Receives every output line of the registry. The last lines are always kept for errors. */
  log?: (line: string) => void
  /** Called when a registry that was ready exits without stop() having been asked for. */
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void
  /** Aborting while startRegistry() is still waiting kills the JVM and rejects; no effect once it resolved. */
  signal?: AbortSignal
}

const toolsDir = import.meta.dirname
const repoRoot = resolve(toolsDir, '../..')
const pomPath = join(toolsDir, 'pom.xml')
const CCOMPAT_PATH = '/apis/ccompat/v7'
const MIN_JAVA = 21 // the bundle's app classes are compiled for Java 21 (class file 65)
const STOP_GRACE_MS = 10_000
const TAIL_LINES = 200

/** The Apicurio version pinned in tools/registry/pom.xml (single source of truth). */
export const apicurioVersion: string = readVersion()

function readVersion(): string {
  const match = /<apicurio\.version>\s*([^<\s]+)\s*<\/apicurio\.version>/.exec(readFileSync(pomPath, 'utf8'))
  if (!match) throw new Error(`no <apicurio.version> found in ${pomPath}`)
  return match[1]
}

const bundleDir = join(repoRoot, 'build', 'apicurio', apicurioVersion)
const runJar = join(bundleDir, 'quarkus-run.jar')

// ---------------------------------------------------------------------------------------------------------------
// Prerequisites

function javaMajor(java: string): number | undefined {
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' })
  if (result.error || result.status !== 0) return undefined
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr)
  if (!match) return undefined
  return match[1] === '1' ? Number(match[2]) : Number(match[1])
}

let javaFound: string | undefined

/**
 * A java binary of version 21+: REGISTRY_JAVA_HOME, JAVA_HOME, `java` on the PATH, then the newest JDK under
 * /usr/lib/jvm (Debian's layout; the machines have OpenJDK 17 as default `java` and a Temurin 25 beside it).
 */
export function findJava(): string {
  if (javaFound) return javaFound
  const candidates: string[] = []
  for (const home of [process.env.REGISTRY_JAVA_HOME, process.env.JAVA_HOME]) {
    if (home) candidates.push(join(home, 'bin', 'java'))
  }
  candidates.push('java')
  const jvmRoot = '/usr/lib/jvm'
  if (existsSync(jvmRoot)) {
    for (const dir of readdirSync(jvmRoot).sort().reverse()) candidates.push(join(jvmRoot, dir, 'bin', 'java'))
  }
  const seen: string[] = []
  for (const java of candidates) {
    const major = javaMajor(java)
    if (major !== undefined) seen.push(`${java} (${major})`)
    if (major !== undefined && major >= MIN_JAVA) return (javaFound = java)
  }
  throw new Error(
    `Apicurio Registry ${apicurioVersion} needs Java ${MIN_JAVA}+; found ${seen.join(', ') || 'no java at all'}. ` +
      'Install a JDK 21+ (e.g. Temurin) and set REGISTRY_JAVA_HOME or JAVA_HOME to it.'
  )
}

/** Returns build/apicurio/<version>; runs Maven only when the bundle is missing. */
export async function ensureApicurio(log: (msg: string) => void = msg => console.error(msg)): Promise<string> {
  if (existsSync(runJar)) return bundleDir
  if (spawnSync('mvn', ['-v']).error) {
    throw new Error(
      `Maven (\`mvn\`) not found: it is needed once to fetch Apicurio Registry ${apicurioVersion} into ${bundleDir}. ` +
        'Install it (Debian/Ubuntu: `sudo apt-get install maven`).'
    )
  }
  log(`Fetching Apicurio Registry ${apicurioVersion} with Maven into ${bundleDir} (first run only)...`)
  await new Promise<void>((resolvePromise, reject) => {
    const mvn = spawn('mvn', ['-B', '-q', '-f', pomPath, 'package'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    mvn.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    mvn.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    mvn.on('error', reject)
    mvn.on('close', code =>
      code === 0 ? resolvePromise() : reject(new Error(`\`mvn -f ${pomPath} package\` failed:\n${output.trim()}`))
    )
  })
  if (!existsSync(runJar)) throw new Error(`\`mvn package\` succeeded but ${runJar} is missing`)
  return bundleDir
}

// ---------------------------------------------------------------------------------------------------------------
// Process

// Runs "$@" (the JVM) in the background; see the header comment. `wait` returns early when the TERM trap runs,
// hence the loop until the JVM is really gone.
const WRAPPER = [
  'exec 3<&0 </dev/null',
  '"$@" &',
  'jvm=$!',
  `trap 'kill -TERM "$jvm" 2>/dev/null' TERM INT`,
  '{ cat <&3 >/dev/null; kill -KILL "$jvm" 2>/dev/null; } &',
  'exec 3<&-',
  'while :; do wait "$jvm"; code=$?; kill -0 "$jvm" 2>/dev/null || exit "$code"; done'
].join('\n')

const liveGroups = new Set<number>()
let exitHookInstalled = false

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // ESRCH: already gone
  }
}

function jvmArguments(options: StartRegistryOptions): string[] {
  const props: Record<string, string> = {
    'quarkus.http.host': '127.0.0.1',
    'quarkus.http.port': String(options.port ?? 0),
    'quarkus.management.host': '127.0.0.1',
    'quarkus.management.port': '0',
    'quarkus.http.access-log.enabled': 'false',
    'quarkus.log.console.color': 'false',
    // a small pool: the default opens 20 H2 connections at start
    'apicurio.datasource.jdbc.initial-size': '2',
    'apicurio.datasource.jdbc.min-size': '2',
    // Confluent's API allows deleting subjects and versions; Apicurio forbids it unless enabled
    'apicurio.rest.deletion.group.enabled': 'true',
    'apicurio.rest.deletion.artifact.enabled': 'true',
    'apicurio.rest.deletion.artifact-version.enabled': 'true'
  }
  if (options.users) {
    props['quarkus.http.auth.basic'] = 'true'
    props['apicurio.authn.mechanism.priority'] = 'basic'
    props['quarkus.security.users.embedded.plain-text'] = 'true'
    for (const [name, user] of Object.entries(options.users)) {
      props[`quarkus.security.users.embedded.users.${name}`] = user.password
      props[`quarkus.security.users.embedded.roles.${name}`] = user.role ?? 'sr-admin'
    }
    props['apicurio.auth.role-based-authorization'] = 'true'
    props['apicurio.auth.role-source'] = 'token' // roles of the authenticated identity
  }
  if (options.tls) {
    props['quarkus.http.ssl-port'] = String(options.port ?? 0)
    props['quarkus.http.ssl.certificate.files'] = options.tls.certFile
    props['quarkus.http.ssl.certificate.key-files'] = options.tls.keyFile
    props['quarkus.http.insecure-requests'] = 'disabled'
  }
  Object.assign(props, options.properties)
  return [
    '-Xms64m',
    '-Xmx512m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1', // faster start; the registry's load in tests is small
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    ...Object.entries(props).map(([key, value]) => `-D${key}=${value}`),
    '-jar',
    runJar
  ]
}

/** GET <url>/subjects answers 200 (any certificate accepted: this only probes our own loopback child). */
function answers(url: string, auth: string | undefined): Promise<boolean> {
  return new Promise(resolvePromise => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest
    const req = request(
      `${url}/subjects`,
      { timeout: 1000, rejectUnauthorized: false, headers: auth ? { authorization: auth } : {} },
      res => {
        res.resume()
        resolvePromise(res.statusCode === 200)
      }
    )
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolvePromise(false))
    req.end()
  })
}

/** Starts Apicurio on 127.0.0.1 and resolves once `GET /apis/ccompat/v7/subjects` answers 200. */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<SchemaRegistryServer> {
  const java = findJava()
  await ensureApicurio()
  const tail: string[] = []
  // detached: the wrapper leads its own process group, so a Ctrl-C in a terminal reaches only Node
  const child: ChildProcess = spawn('/bin/sh', ['-c', WRAPPER, 'registry', java, ...jvmArguments(options)], {
    cwd: bundleDir,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe']
  })
  const pid = child.pid
  let hasExited = false
  let ready = false
  let stopping = false
  const exited = Promise.withResolvers<{ code: number | null; signal: NodeJS.Signals | null }>()
  child.once('error', err => {
    tail.push(`spawn error: ${err.message}`)
    hasExited = true
    exited.resolve({ code: null, signal: null })
  })
  child.once('exit', (code, signal) => {
    hasExited = true
    if (pid !== undefined) {
      killGroup(pid, 'SIGKILL') // the wrapper's watchdog
      liveGroups.delete(pid)
    }
    exited.resolve({ code, signal })
    if (ready && !stopping) options.onExit?.(code, signal)
  })
  if (pid !== undefined) {
    liveGroups.add(pid)
    if (!exitHookInstalled) {
      exitHookInstalled = true
      process.on('exit', () => {
        for (const group of liveGroups) killGroup(group, 'SIGKILL')
      })
    }
  }

  const listening = Promise.withResolvers<string>()
  const onLine = (line: string) => {
    tail.push(line)
    if (tail.length > TAIL_LINES) tail.shift()
    options.log?.(line)
    // "... started in 4.779s. Listening on: http://127.0.0.1:39481. Management interface listening on ..."
    const match = /Listening on: (https?:\/\/[^\s,]+?)\.?(?:\s|$)/.exec(line)
    if (match) listening.resolve(match[1])
  }
  createInterface({ input: child.stdout! }).on('line', onLine)
  createInterface({ input: child.stderr! }).on('line', onLine)

  const stop = async () => {
    stopping = true
    if (hasExited || pid === undefined) return
    try {
      process.kill(pid, 'SIGTERM') // the wrapper forwards it to the JVM
    } catch {
      // already gone
    }
    const killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), STOP_GRACE_MS)
    await exited.promise
    clearTimeout(killTimer)
  }

  const timeoutMs = options.readyTimeoutMs ?? 90_000
  const users = Object.entries(options.users ?? {})
  const auth =
    users.length > 0 ? `Basic ${Buffer.from(`${users[0][0]}:${users[0][1].password}`).toString('base64')}` : undefined
  const cancel = new AbortController()
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  const failure = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs} ms`)), timeoutMs)
    void exited.promise.then(({ code, signal }) =>
      reject(new Error(`exited during startup (${signal ?? `exit code ${code}`})`))
    )
    onAbort = () => reject(new Error('startup aborted'))
    if (options.signal?.aborted) onAbort()
    options.signal?.addEventListener('abort', onAbort, { once: true })
  })
  failure.catch(() => {})
  const serving = async (): Promise<string> => {
    const base = (await listening.promise) + CCOMPAT_PATH
    while (!cancel.signal.aborted && !(await answers(base, auth))) await sleep(100)
    return base
  }
  try {
    const url = await Promise.race([serving(), failure])
    ready = true
    let stopped: Promise<void> | undefined
    return { url, port: Number(new URL(url).port), stop: () => (stopped ??= stop()) }
  } catch (err) {
    await stop()
    const message = `Apicurio Registry ${apicurioVersion} failed to start: ${(err as Error).message}`
    throw new Error(`${message}\n--- last registry output ---\n${tail.join('\n') || '(none)'}`, { cause: err })
  } finally {
    cancel.abort()
    clearTimeout(timer)
    if (onAbort) options.signal?.removeEventListener('abort', onAbort)
  }
}

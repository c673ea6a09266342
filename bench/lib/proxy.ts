// The proxy under test, as its own child process: `node src/main.ts` on a free loopback port, its output in a log
// file. Optionally with --cpu-prof (the profile is written when it exits after SIGTERM).
import { spawn } from 'node:child_process'
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pickFreePorts } from '../../tools/kafka/runtime.ts'
import { nodeArgs, onCleanup, terminate, trackChild } from './processes.ts'

export const repoRoot = resolve(import.meta.dirname, '../..')

export interface ProxyOptions {
  bootstrapServers: string
  /** Appended to; each start writes a line with `label` first. */
  logFile: string
  label: string
  /** Directory for a V8 CPU profile of the proxy (node --cpu-prof), or undefined. */
  profileDir?: string
  readyTimeoutMs?: number
  /** More environment for the proxy (e.g. KAFKA_REST_SCHEMA_REGISTRY_URL). */
  env?: Record<string, string>
}

export interface RunningProxy {
  url: string
  pid: number
  clusterId: string
  stop(): Promise<void>
}

export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const [port] = await pickFreePorts(1)
  const url = `http://127.0.0.1:${port}`
  const execArgv = nodeArgs('BENCH_PROXY_NODE_ARGS')
  if (options.profileDir) {
    await mkdir(options.profileDir, { recursive: true })
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.profileDir}`)
  }
  appendFileSync(options.logFile, `=== ${new Date().toISOString()} proxy for ${options.label} on ${url}\n`)
  const log = openSync(options.logFile, 'a')
  const child = spawn(process.execPath, [...execArgv, join(repoRoot, 'src/main.ts')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      KAFKA_REST_BOOTSTRAP_SERVERS: options.bootstrapServers,
      KAFKA_REST_LISTENERS: url,
      KAFKA_REST_LOG_LEVEL: 'warn',
      ...options.env
    },
    stdio: ['ignore', log, log]
  })
  closeSync(log)
  trackChild(child)
  const stop = onCleanup(`proxy on ${url}`, () => terminate(child, 15_000))
  try {
    const clusterId = await waitReady(url, options.readyTimeoutMs ?? 30_000, () => child.exitCode ?? child.signalCode)
    return { url, pid: child.pid!, clusterId, stop }
  } catch (error) {
    await stop()
    const tail = readFileSync(options.logFile, 'utf8').split('\n').slice(-30).join('\n')
    throw new Error(`${(error as Error).message}\n--- proxy log (${options.logFile}) ---\n${tail}`, { cause: error })
  }
}

// Polls GET /v3/clusters until it answers 200 (the proxy listens and reaches Kafka); returns the cluster id.
async function waitReady(url: string, timeoutMs: number, exitStatus: () => number | string | null): Promise<string> {
  const deadline = Date.now() + timeoutMs
  let last = 'no answer'
  for (let attempt = 0; attempt < 10_000 && Date.now() < deadline; attempt++) {
    const status = exitStatus()
    if (status !== null) throw new Error(`the proxy exited during startup (${status})`)
    try {
      const response = await fetch(`${url}/v3/clusters`, { signal: AbortSignal.timeout(2000) })
      const text = await response.text()
      if (response.status === 200) {
        const body = JSON.parse(text) as { data: { cluster_id: string }[] }
        return body.data[0].cluster_id
      }
      last = `${response.status} ${text.slice(0, 200)}`
    } catch (error) {
      last = (error as Error).message
    }
    await sleep(100)
  }
  throw new Error(`the proxy on ${url} did not answer GET /v3/clusters with 200 within ${timeoutMs} ms (last: ${last})`)
}

// Child processes of a benchmark run and their cleanup. Everything started registers a cleanup here; cleanups
// run in reverse order at the end of the run, on errors, and on SIGINT/SIGTERM (then the process exits 130).
// A process 'exit' hook SIGKILLs any child still alive, for the paths where async cleanup could not run.
import { type ChildProcess, fork } from 'node:child_process'
import { readFileSync } from 'node:fs'

type Cleanup = () => Promise<void>
const cleanups = new Map<number, { name: string; run: Cleanup }>()
let nextId = 0
const liveChildren = new Set<ChildProcess>()
let interrupted = false

/** Registers a cleanup; the returned function runs it now (once) and unregisters it. */
export function onCleanup(name: string, run: Cleanup): () => Promise<void> {
  const id = nextId++
  let done: Promise<void> | undefined
  const once = () => (done ??= run())
  cleanups.set(id, { name, run: once })
  return async () => {
    cleanups.delete(id)
    await once()
  }
}

/** Runs every registered cleanup, newest first; logs (and swallows) their errors. */
export async function cleanupAll(): Promise<void> {
  for (const [id, { name, run }] of [...cleanups].reverse()) {
    cleanups.delete(id)
    try {
      await run()
    } catch (error) {
      console.error(`cleanup of ${name} failed:`, error)
    }
  }
}

export const wasInterrupted = (): boolean => interrupted

export function installSignalHandlers(): void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return
    interrupted = true
    console.error(`\n${signal}: stopping the proxy, load generators and Kafka...`)
    const force = setTimeout(() => process.exit(130), 30_000)
    force.unref()
    void cleanupAll().finally(() => process.exit(130))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  process.on('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL')
  })
}

/** Extra Node options from an environment variable (space separated), e.g. BENCH_PROXY_NODE_ARGS=--trace-gc. */
export const nodeArgs = (variable: string): string[] => (process.env[variable] ?? '').split(/\s+/).filter(Boolean)

/** Keeps `child` in the set that the exit hook kills. */
export function trackChild(child: ChildProcess): void {
  liveChildren.add(child)
  child.once('exit', () => liveChildren.delete(child))
  child.once('error', () => liveChildren.delete(child))
}

/** Resolves when the child exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise(resolve => {
    child.once('exit', () => resolve())
    child.once('error', () => resolve())
  })
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone. */
export async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited(child)
  clearTimeout(timer)
}

// ---------------------------------------------------------------------------------------------------------------
// Jobs: a forked Node process (load generator, reference producer) gets one job and answers with one result.

export type JobMessage<R> =
  | { type: 'window'; measureStart: number; measureEnd: number }
  | { type: 'result'; result: R }
  | { type: 'error'; message: string }

export interface JobOptions {
  /** Kills the child and rejects when no result came within this time. */
  timeoutMs: number
  /** The child announced its measurement window (epoch ms). */
  onWindow?: (measureStart: number, measureEnd: number) => void
}

export async function runJob<R>(modulePath: string, job: object, options: JobOptions): Promise<R> {
  const child = fork(modulePath, [], {
    // As the proxy does (src/main.ts): received Buffers count in V8's heap limit, instead of forcing a full
    // mark-compact every 64 MB of them. For every job, so the reference clients get it too.
    execArgv: ['--external-memory-accounted-in-global-limit', ...nodeArgs('BENCH_LOADGEN_NODE_ARGS')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced'
  })
  trackChild(child)
  const stop = onCleanup(`job ${modulePath}`, () => terminate(child, 2000))
  try {
    return await new Promise<R>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${modulePath}: no result after ${options.timeoutMs} ms`)),
        options.timeoutMs
      )
      child.on('message', (message: JobMessage<R>) => {
        if (message.type === 'window') options.onWindow?.(message.measureStart, message.measureEnd)
        else {
          clearTimeout(timer)
          if (message.type === 'result') resolve(message.result)
          else reject(new Error(message.message))
        }
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`${modulePath} exited without a result (${signal ?? `exit code ${code}`})`))
      })
      child.send(job)
    })
  } finally {
    await stop()
  }
}

/** Child side of runJob: runs `handler` on the job it is sent, reports, exits. Exits too if the parent goes. */
export function serveJob<J, R>(handler: (job: J, announce: (start: number, end: number) => void) => Promise<R>): void {
  const send = (message: JobMessage<R>) => new Promise<void>(resolve => process.send!(message, () => resolve()))
  process.once('disconnect', () => process.exit(1))
  // A normal exit on SIGTERM too, so that --cpu-prof (BENCH_LOADGEN_NODE_ARGS) writes its profile.
  process.once('SIGTERM', () => process.exit(0))
  process.once('message', (job: J) => {
    const announce = (measureStart: number, measureEnd: number) =>
      void send({ type: 'window', measureStart, measureEnd })
    handler(job, announce)
      .then(
        result => send({ type: 'result', result }),
        (error: unknown) =>
          send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) })
      )
      .finally(() => process.exit(0))
  })
}

// ---------------------------------------------------------------------------------------------------------------
// /proc readings (Linux)

/** Resident set size of `pid` in bytes (VmRSS), or NaN when unreadable. */
export function rssBytes(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : NaN
  } catch {
    return NaN
  }
}

const clockTicks = 100 // USER_HZ: 100 on every Linux architecture Node supports

/** CPU seconds (user + system) used so far by `pid`, or NaN. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // fields after the command name (which may contain spaces) in parentheses: state is field 3, utime 14, stime 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / clockTicks
  } catch {
    return NaN
  }
}

/** Machine-wide CPU counters from /proc/stat: busy and total jiffies over all cores. */
export function machineCpu(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]
    const values = line.trim().split(/\s+/).slice(1).map(Number)
    const total = values.slice(0, 8).reduce((a, b) => a + b, 0) // without guest times, counted in user already
    const idle = values[3] + values[4] // idle + iowait
    return { busy: total - idle, total }
  } catch {
    return { busy: NaN, total: NaN }
  }
}

// The kafka-rest command as a user runs it: --help, --version, configuration errors before any port is bound,
// serving against the test cluster, and a clean exit on SIGTERM.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { isPortFree, pickFreePorts } from '../../tools/kafka/runtime.ts'
import { eventually } from '../helpers/eventually.ts'
import { bootstrapServers } from '../helpers/kafka.ts'

const main = new URL('../../src/main.ts', import.meta.url).pathname
const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [main, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  return { child, exited, out: () => stdout, err: () => stderr }
}

const kill = (child: ChildProcess) => {
  if (child.exitCode === null) child.kill('SIGKILL')
}

test('--version and --help', async () => {
  const v = run(['--version'])
  assert.equal(await v.exited, 0)
  assert.equal(v.out(), `${version}\n`)
  const h = run(['--help'])
  assert.equal(await h.exited, 0)
  assert.match(h.out(), /^usage: kafka-rest \[config\.properties\]/m)
  assert.match(h.out(), /^ {2}bootstrap\.servers /m)
})

test('invalid configuration: one line per bad key, exit 2, nothing bound', async () => {
  const [port] = await pickFreePorts(1)
  const r = run(['--override', `listeners=http://127.0.0.1:${port}`], {
    KAFKA_REST_BOOTSTRAP_SERVERS: bootstrapServers(),
    KAFKA_REST_API_V2_ENABLE: 'maybe',
    KAFKA_REST_KAFKA_OPERATION_TIMEOUT_MS: 'soon'
  })
  assert.equal(await r.exited, 2)
  assert.equal(
    r.err(),
    [
      'Invalid configuration:',
      '  - api.v2.enable: "maybe" is not a boolean (true or false) (from KAFKA_REST_API_V2_ENABLE)',
      '  - kafka.operation.timeout.ms: "soon" is not an integer (from KAFKA_REST_KAFKA_OPERATION_TIMEOUT_MS)',
      ''
    ].join('\n')
  )
  assert.equal(await isPortFree(port), true)
})

test('client settings are checked too, and bootstrap.servers is required', async () => {
  const sasl = run([], { KAFKA_REST_BOOTSTRAP_SERVERS: 'x:1', KAFKA_REST_CLIENT_SECURITY_PROTOCOL: 'SASL_SSL' })
  assert.equal(await sasl.exited, 2)
  assert.match(sasl.err(), /sasl\.jaas\.config: must name username/)
  const none = run([])
  assert.equal(await none.exited, 2)
  assert.match(none.err(), /bootstrap\.servers: required/)
})

test('serves against Kafka and stops cleanly on SIGTERM', async t => {
  const [port] = await pickFreePorts(1)
  const r = run([], {
    KAFKA_REST_BOOTSTRAP_SERVERS: bootstrapServers(),
    KAFKA_REST_LISTENERS: `http://127.0.0.1:${port}`,
    KAFKA_REST_SOME_UNKNOWN_KEY: 'x'
  })
  t.after(() => kill(r.child))
  const url = `http://127.0.0.1:${port}/v3/clusters`
  await eventually('the proxy to serve', async () => {
    try {
      return (await fetch(url)).status === 200
    } catch {
      return false
    }
  })
  const res = await fetch(url)
  assert.equal(res.headers.get('content-type'), 'application/json')
  assert.equal(((await res.json()) as { kind: string }).kind, 'KafkaClusterList')
  assert.match(r.out(), /unknown setting some\.unknown\.key \(from KAFKA_REST_SOME_UNKNOWN_KEY\); ignored/)
  r.child.kill('SIGTERM')
  assert.equal(await r.exited, 0)
  assert.equal(await isPortFree(port), true)
})

// The Schema Registry test infrastructure itself: the shared registry of test/global-setup.ts, and
// tools/registry/runtime.ts guaranteeing that the JVM never outlives the process that started it.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { canConnect } from '../../tools/kafka/runtime.ts'
import { registryCall, schemaRegistryUrl } from '../helpers/registry.ts'

void test('the shared test registry speaks the Confluent API', async () => {
  assert.match(schemaRegistryUrl(), /^https?:\/\//)
  const subjects = await registryCall('/subjects')
  assert.equal(subjects.status, 200)
  assert.ok(Array.isArray(subjects.body))
  const missing = await registryCall('/schemas/ids/987654321')
  assert.equal(missing.status, 404)
  assert.equal((missing.body as { error_code: number }).error_code, 40403)
})

void test('the registry JVM dies with its owner, even when the owner is SIGKILLed', async t => {
  const runtime = new URL('../../tools/registry/runtime.ts', import.meta.url).pathname
  const script = `
    import { startRegistry } from ${JSON.stringify(runtime)}
    const registry = await startRegistry()
    console.log(registry.port)
    setInterval(() => {}, 60_000)`
  const owner = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.after(() => owner.kill('SIGKILL'))
  const lines = createInterface({ input: owner.stdout })
  const [first] = (await once(lines, 'line')) as [string]
  const port = Number(first)
  assert.ok(port > 0, `owner printed ${first}`)
  assert.equal(await canConnect(port), true)

  owner.kill('SIGKILL') // no 'exit' handler runs: only the wrapper's watchdog can end the JVM
  const deadline = Date.now() + 15_000
  while ((await canConnect(port)) && Date.now() < deadline) await sleep(100)
  assert.equal(await canConnect(port), false, 'the registry still listens after its owner was killed')
})

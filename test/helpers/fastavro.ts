// Python's fastavro (from PyPI), an Avro implementation independent of ours, for interoperability tests: imported
// from the machine, else installed once into build/python (pinned). Without it a test skips with the reason,
// except in CI, where it must run.
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { type TestContext } from 'node:test'

const FASTAVRO = 'fastavro==1.13.1'
const target = join(import.meta.dirname, '../../build/python')

/** PYTHONPATH under which `import fastavro` works, or why it cannot. */
export function fastavro(): { path: string } | { reason: string } {
  const works = (path: string) =>
    spawnSync('python3', ['-c', 'import fastavro'], { env: { ...process.env, PYTHONPATH: path } }).status === 0
  if (works('')) return { path: '' }
  if (existsSync(join(target, 'fastavro')) && works(target)) return { path: target }
  const pip = spawnSync(
    'python3',
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', target, FASTAVRO],
    { encoding: 'utf8', timeout: 180_000 }
  )
  if (pip.status === 0 && works(target)) return { path: target }
  return {
    reason: `\`pip install ${FASTAVRO}\` failed: ${(pip.error?.message ?? pip.stderr ?? '').trim().slice(-300)}`
  }
}

/**
 * Runs a Python script that imports fastavro, with `input` as JSON on stdin; returns its stdout parsed as JSON.
 * Skips the test (undefined) when fastavro cannot be had, except in CI.
 */
export function runFastavro(t: TestContext, script: string, input: unknown): unknown {
  const found = fastavro()
  if ('reason' in found) {
    if (process.env.CI) assert.fail(`fastavro is needed for this test in CI: ${found.reason}`)
    t.skip(`fastavro is not available: ${found.reason}`)
    return undefined
  }
  const output = execFileSync('python3', ['-c', script], {
    input: JSON.stringify(input),
    env: { ...process.env, PYTHONPATH: found.path },
    encoding: 'utf8'
  })
  return JSON.parse(output) as unknown
}

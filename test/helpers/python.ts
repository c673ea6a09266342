// Python packages from PyPI as independent implementations for interoperability tests: imported from the
// machine, else installed once (pinned) into build/pip/<name>, one folder per package set. Test files run at the
// same time: each installs into a folder of its own and renames it into place, and the first rename wins.
// Without the packages a test skips with the reason, except in CI, where it must run.
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { type TestContext } from 'node:test'

export interface PythonPackages {
  /** Names the install folder and the skip message. */
  name: string
  /** Python that succeeds once the packages are usable (e.g. `import fastavro`). */
  probe: string
  /** pip requirements, pinned. */
  packages: string[]
}

const found = new Map<string, { path: string } | { reason: string }>()

/** PYTHONPATH under which `probe` works, or why it cannot. */
export function pythonPath(want: PythonPackages): { path: string } | { reason: string } {
  const known = found.get(want.name)
  if (known) return known
  const target = join(import.meta.dirname, '../../build/pip', want.name)
  const works = (path: string) =>
    spawnSync('python3', ['-c', want.probe], { env: { ...process.env, PYTHONPATH: path } }).status === 0
  let result: { path: string } | { reason: string }
  if (works('')) result = { path: '' }
  else if (works(target)) result = { path: target }
  else {
    const own = `${target}.${process.pid}`
    const pip = spawnSync(
      'python3',
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', own, ...want.packages],
      { encoding: 'utf8', timeout: 300_000 }
    )
    if (pip.status === 0) {
      try {
        renameSync(own, target)
      } catch {
        // another test file's install got there first
      }
    }
    rmSync(own, { recursive: true, force: true })
    result =
      pip.status === 0 && works(target)
        ? { path: target }
        : {
            reason: `\`pip install ${want.packages.join(' ')}\` failed: ${(pip.error?.message ?? pip.stderr ?? '').trim().slice(-300)}`
          }
  }
  found.set(want.name, result)
  return result
}

/** The PYTHONPATH for `want`, or undefined after skipping the test (failing it in CI). */
export function needPython(t: TestContext, want: PythonPackages): string | undefined {
  const result = pythonPath(want)
  if ('path' in result) return result.path
  if (process.env.CI) assert.fail(`${want.name} is needed for this test in CI: ${result.reason}`)
  t.skip(`${want.name} is not available: ${result.reason}`)
  return undefined
}

/** Runs `script` with `input` as JSON on stdin and the packages' PYTHONPATH; its stdout parsed as JSON. */
export function runPython(path: string, script: string, input: unknown): unknown {
  const output = execFileSync('python3', ['-c', script], {
    input: JSON.stringify(input),
    env: { ...process.env, PYTHONPATH: path },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20
  })
  return JSON.parse(output) as unknown
}

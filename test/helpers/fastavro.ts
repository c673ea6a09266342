// Python's fastavro (from PyPI), an Avro implementation independent of ours, for interoperability tests
// (installed as test/helpers/python.ts says).
import { type TestContext } from 'node:test'
import { needPython, runPython } from './python.ts'

const fastavro = { name: 'fastavro', probe: 'import fastavro', packages: ['fastavro==1.13.1'] }

/**
 * Runs a Python script that imports fastavro, with `input` as JSON on stdin; returns its stdout parsed as JSON.
 * Skips the test (undefined) when fastavro cannot be had, except in CI.
 */
export function runFastavro(t: TestContext, script: string, input: unknown): unknown {
  const path = needPython(t, fastavro)
  return path === undefined ? undefined : runPython(path, script, input)
}

// The Schema Registry of the integration run: started by test/global-setup.ts (Apicurio, Confluent-compatible API
// at /apis/ccompat/v7) unless SCHEMA_REGISTRY_URL names one. Plus a raw client for checks that bypass our own.
import { readFileSync } from 'node:fs'
import { type TestKafkaState } from '../global-setup.ts'

export function schemaRegistryUrl(): string {
  const path = process.env.KAFKA_REST_TEST_STATE
  const fromState = path ? (JSON.parse(readFileSync(path, 'utf8')) as TestKafkaState).schemaRegistryUrl : undefined
  const url = process.env.SCHEMA_REGISTRY_URL ?? fromState
  if (!url) throw new Error('no Schema Registry for tests: run with --test-global-setup=test/global-setup.ts')
  return url
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'

/** One raw call to the registry (not through src/serde): status and parsed JSON body. */
export async function registryCall(
  path: string,
  init: { method?: string; body?: unknown; url?: string; headers?: Record<string, string> } = {}
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${init.url ?? schemaRegistryUrl()}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': CONTENT_TYPE, accept: CONTENT_TYPE, ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body)
  })
  const text = await res.text()
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) }
}

// One v3 request through app.inject(): checks the exact content type of any body and validates it against
// Confluent's OpenAPI file for the given path template (null for endpoints the file lacks), and always against our
// own document (openapi/openapi.json), whose template is found from the path; a 204 must be documented there too.
import assert from 'node:assert/strict'
import { type FastifyInstance } from 'fastify'
import { assertMatchesServedSpec, assertMatchesSpec, ourTemplate } from './openapi.ts'

export const HOST = 'proxy.test:8082'
export const BASE = `http://${HOST}/v3`

export interface V3Response {
  status: number
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed JSON body, asserted field by field
  body: any
  headers: Record<string, unknown>
}

export async function v3(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  template: string | null,
  body?: unknown
): Promise<V3Response> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  const res = await app.inject({
    method,
    url: `/v3${path}`,
    headers: { host: HOST, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    payload
  })
  if (res.statusCode === 204) {
    assert.equal(res.body, '', `${method} ${path}: 204 without a body`)
    assertMatchesServedSpec(method, ourTemplate(path), 204, undefined)
    return { status: 204, body: undefined, headers: res.headers }
  }
  assert.equal(res.headers['content-type'], 'application/json', `${method} ${path}`)
  const parsed = res.json()
  if (template !== null) assertMatchesSpec(method, template, res.statusCode, parsed)
  assertMatchesServedSpec(method, ourTemplate(path), res.statusCode, parsed)
  return { status: res.statusCode, body: parsed, headers: res.headers }
}

/**
 * Streams `records` to v3 produce in one complete request (newline-separated); returns its delivery reports in
 * order, after asserting 200 and checking each successful report against Confluent's OpenAPI file.
 */
export async function streamRecords(
  app: FastifyInstance,
  topic: string,
  records: unknown[]
): Promise<Record<string, unknown>[]> {
  const res = await app.inject({
    method: 'POST',
    url: `/v3/clusters/c1/topics/${topic}/records`,
    headers: { 'content-type': 'application/json' },
    payload: records.map(r => JSON.stringify(r)).join('\n')
  })
  assert.equal(res.statusCode, 200)
  const reports = res.body
    .split('\r\n')
    .filter(line => line !== '')
    .map(line => JSON.parse(line) as Record<string, unknown>)
  for (const report of reports)
    if (report.error_code === 200)
      assertMatchesSpec('POST', '/clusters/{cluster_id}/topics/{topic_name}/records', 200, report)
  return reports
}

/** POSTs `entries` to v3 batch produce; returns its body after asserting 207 and checking it against Confluent's file. */
export async function batchRecords(
  app: FastifyInstance,
  topic: string,
  entries: unknown[]
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed JSON body, asserted field by field
): Promise<any> {
  const res = await app.inject({
    method: 'POST',
    url: `/v3/clusters/c1/topics/${topic}/records:batch`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ entries })
  })
  assert.equal(res.statusCode, 207, res.body)
  const body: unknown = res.json()
  assertMatchesSpec('POST', '/clusters/{cluster_id}/topics/{topic_name}/records:batch', 207, body)
  return body
}

// v2 consumer calls through app.inject, and the group's committed offsets read straight from Kafka.
import assert from 'node:assert/strict'
import { Admin } from '@platformatic/kafka'
import { type FastifyInstance } from 'fastify'
import { bootstrapServers } from './kafka.ts'

export const V2 = 'application/vnd.kafka.v2+json'
export const BINARY = 'application/vnd.kafka.binary.v2+json'
export const JSON_V2 = 'application/vnd.kafka.json.v2+json'

export const b64 = (data: string | Buffer): string => Buffer.from(data).toString('base64')
export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

export interface RestRecord {
  topic: string
  key: unknown
  value: unknown
  partition: number
  offset: number
  timestamp?: number
  headers?: { name: string; value: string | null }[]
}

export const instancePath = (group: string, name: string): string =>
  `/consumers/${encodeURIComponent(group)}/instances/${encodeURIComponent(name)}`

/** A v2 request; a body (any value but undefined) is sent as JSON, typed V2 unless `headers` say otherwise. */
export type Method = 'GET' | 'POST' | 'DELETE'

export function call(
  app: FastifyInstance,
  method: Method,
  url: string,
  body?: unknown,
  headers: { [name: string]: string } = {}
) {
  return app.inject({
    method,
    url,
    headers: body === undefined ? headers : { 'content-type': V2, ...headers },
    payload: body === undefined ? undefined : JSON.stringify(body)
  })
}

/** Creates an instance (asserting 200) and returns its path. */
export async function createConsumer(app: FastifyInstance, group: string, body: object = {}): Promise<string> {
  const res = await call(app, 'POST', `/consumers/${encodeURIComponent(group)}`, body)
  assert.equal(res.statusCode, 200, res.body)
  return instancePath(group, res.json().instance_id)
}

/** POST that must answer 204 with no body. */
export async function post204(app: FastifyInstance, url: string, body: unknown): Promise<void> {
  const res = await call(app, 'POST', url, body)
  assert.equal(res.statusCode, 204, `${url}: ${res.body}`)
  assert.equal(res.body, '')
}

export function readRecords(
  app: FastifyInstance,
  path: string,
  query: { timeout?: number; max_bytes?: number } = {},
  accept = BINARY
) {
  const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))
  const qs = params.size > 0 ? `?${params.toString()}` : ''
  return app.inject({ method: 'GET', url: `${path}/records${qs}`, headers: { accept } })
}

/** One successful read: asserts 200 and the content type, returns the records. */
export async function read(
  app: FastifyInstance,
  path: string,
  query: { timeout?: number; max_bytes?: number } = {},
  accept = BINARY
): Promise<RestRecord[]> {
  const res = await readRecords(app, path, query, accept)
  assert.equal(res.statusCode, 200, res.body)
  assert.equal(res.headers['content-type'], accept)
  return res.json()
}

/** Reads until `count` records arrived (fails beyond `timeoutMs` or when more arrive); returns them in read order. */
export async function readN(
  app: FastifyInstance,
  path: string,
  count: number,
  { timeoutMs = 15000, accept = BINARY, timeout = 500 } = {}
): Promise<RestRecord[]> {
  const deadline = Date.now() + timeoutMs
  const out: RestRecord[] = []
  while (out.length < count) {
    if (Date.now() > deadline) assert.fail(`read ${out.length} of ${count} records in ${timeoutMs} ms`)
    out.push(...(await read(app, path, { timeout }, accept)))
  }
  assert.equal(out.length, count, 'more records than expected')
  return out
}

export const byPosition = (a: RestRecord, b: RestRecord): number =>
  a.topic.localeCompare(b.topic) || a.partition - b.partition || a.offset - b.offset

/** The group's committed offsets as "topic/partition" -> offset, read with a plain Admin client. */
export async function groupOffsets(group: string): Promise<Map<string, bigint>> {
  const admin = new Admin({ clientId: 'test-helper', bootstrapBrokers: bootstrapServers().split(',') })
  try {
    const [found] = await admin.listConsumerGroupOffsets({ groups: [group] })
    const out = new Map<string, bigint>()
    for (const topic of found?.topics ?? []) {
      for (const p of topic.partitions)
        if (p.committedOffset >= 0n) out.set(`${topic.name}/${p.partitionIndex}`, p.committedOffset)
    }
    return out
  } finally {
    await admin.close()
  }
}

// Random record values and the request bodies made of them. Values are `valueBytes` random bytes: base64 in
// binary bodies, and for JSON bodies a JSON string of `valueBytes` base64 characters (no escaping needed).
// 'document' and 'avro' bodies carry JSON documents of `valueBytes` bytes (jsonDocument) as JSON values, the
// avro ones with the `value_schema_id` of documentSchema: the same data, to compare schema'd with plain JSON.
import { randomBytes } from 'node:crypto'

export type ValueFormat = 'json' | 'binary' | 'document' | 'avro'

/** The Avro schema of jsonDocument's documents (those of at least minDocumentBytes). */
export const documentSchema = {
  type: 'record',
  name: 'BenchDocument',
  namespace: 'kafka_rest.bench',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'user', type: 'string' },
    { name: 'active', type: 'boolean' },
    { name: 'score', type: 'int' },
    { name: 'text', type: 'string' }
  ]
}

/** Smaller documents have another shape (see jsonDocument). */
export const minDocumentBytes = 80

export const randomValue = (valueBytes: number): Buffer => randomBytes(valueBytes)

const jsonString = (valueBytes: number): string =>
  JSON.stringify(randomBytes(valueBytes).toString('base64').slice(0, valueBytes))

/**
 * `count` distinct v2 produce bodies of `records` records each: {"records":[{"value":...},...]}, avro ones with
 * "value_schema_id": `schemaId` first.
 */
export function v2Bodies(
  format: ValueFormat,
  records: number,
  valueBytes: number,
  count: number,
  schemaId?: number
): Buffer[] {
  let seed = 0
  const value = (): string => {
    switch (format) {
      case 'json':
        return jsonString(valueBytes)
      case 'binary':
        return `"${randomValue(valueBytes).toString('base64')}"`
      case 'document':
      case 'avro':
        return jsonDocument(valueBytes, seed++).toString()
    }
  }
  const head = format === 'avro' ? `{"value_schema_id":${schemaId},"records":[` : '{"records":['
  return Array.from({ length: count }, () => {
    const values = Array.from({ length: records }, value)
    return Buffer.from(`${head}${values.map(v => `{"value":${v}}`).join(',')}]}`)
  })
}

/** What v3 records carry: random BINARY values, JSON documents, or the documents as AVRO of a schema id. */
export type V3Value = { type: 'BINARY' } | { type: 'JSON' } | { type: 'AVRO'; schemaId: number }

/** `count` distinct v3 produce records, e.g. {"value":{"type":"BINARY","data":"<base64>"}}. */
export function v3Records(valueBytes: number, count: number, value: V3Value = { type: 'BINARY' }): string[] {
  return Array.from({ length: count }, (_, i) => {
    switch (value.type) {
      case 'BINARY':
        return `{"value":{"type":"BINARY","data":"${randomValue(valueBytes).toString('base64')}"}}`
      case 'JSON':
        return `{"value":{"type":"JSON","data":${jsonDocument(valueBytes, i).toString()}}}`
      case 'AVRO':
        return `{"value":{"schema_id":${value.schemaId},"data":${jsonDocument(valueBytes, i).toString()}}}`
    }
  })
}

/**
 * A small JSON document of exactly `valueBytes` bytes (ASCII), different for each `seed`: an object with a few
 * typed fields and a padding string; `{"t":"..."}` when those fields do not fit, a number under 8 bytes.
 */
export function jsonDocument(valueBytes: number, seed: number): Buffer {
  const head = `{"id":${seed},"user":"user-${seed % 1000}","active":${seed % 2 === 0},"score":${seed % 997},"text":"`
  const pad = (n: number) =>
    randomBytes(Math.ceil((n * 3) / 4) + 3)
      .toString('base64url')
      .slice(0, n)
  if (valueBytes >= head.length + 2) return Buffer.from(`${head}${pad(valueBytes - head.length - 2)}"}`)
  if (valueBytes >= 8) return Buffer.from(`{"t":"${pad(valueBytes - 8)}"}`)
  return Buffer.from('1'.repeat(valueBytes))
}

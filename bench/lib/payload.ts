// Random record values and the request bodies made of them. Values are `valueBytes` random bytes: base64 in
// binary bodies, and for JSON bodies a JSON string of `valueBytes` base64 characters (no escaping needed).
import { randomBytes } from 'node:crypto'

export type ValueFormat = 'json' | 'binary'

export const randomValue = (valueBytes: number): Buffer => randomBytes(valueBytes)

const jsonString = (valueBytes: number): string =>
  JSON.stringify(randomBytes(valueBytes).toString('base64').slice(0, valueBytes))

/** `count` distinct v2 produce bodies of `records` records each: {"records":[{"value":...},...]}. */
export function v2Bodies(format: ValueFormat, records: number, valueBytes: number, count: number): Buffer[] {
  return Array.from({ length: count }, () => {
    const values = Array.from({ length: records }, () =>
      format === 'json' ? jsonString(valueBytes) : `"${randomValue(valueBytes).toString('base64')}"`
    )
    return Buffer.from(`{"records":[${values.map(v => `{"value":${v}}`).join(',')}]}`)
  })
}

/** `count` distinct v3 produce records: {"value":{"type":"BINARY","data":"<base64>"}}. */
export function v3Records(valueBytes: number, count: number): string[] {
  return Array.from(
    { length: count },
    () => `{"value":{"type":"BINARY","data":"${randomValue(valueBytes).toString('base64')}"}}`
  )
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

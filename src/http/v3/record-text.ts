// The fast path of the streaming produce route: the text of one record object in its common shapes
// ({"value":{"type":"BINARY","data":"..."}}, with "key", "partition_id" and "timestamp" in any order) read
// straight into a record, without JSON.parse building objects that parseRecordRequest then walks. Anything else
// (escapes, headers, JSON or schema'd data, unexpected fields or values, bad input of any kind) answers
// undefined and takes the general path (JSON.parse + parseRecordRequest), which owns every error message.
// A unit test holds both paths to the same result on every text this one accepts.
import { type OutgoingRecord } from '../../model/produce.ts'
import { decodeBase64 } from '../../serde/embedded.ts'
import { type ParsedRecord, type SideReport } from './record-request.ts'

const QUOTE = 0x22
const COLON = 0x3a
const COMMA = 0x2c
const OPEN = 0x7b
const CLOSE = 0x7d

// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON strings may not hold raw
const controlChar = /[\x00-\x1f]/

// The scan position, shared by the helpers below (one record is read at a time, synchronously).
let at = 0

function skipSpace(t: string): void {
  let c = t.charCodeAt(at)
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = t.charCodeAt(++at)
}

// A string without escapes (the caller has checked the text has no backslash); undefined when not at one.
function plainString(t: string): string | undefined {
  if (t.charCodeAt(at) !== QUOTE) return undefined
  const end = t.indexOf('"', at + 1)
  if (end < 0) return undefined
  const text = t.slice(at + 1, end)
  at = end + 1
  return text
}

// Whether `"name"` (given with its quotes) and a colon are at `at`; if so `at` moves past them and any space.
// Names are compared in place: no string is made for them.
function member(t: string, quotedName: string): boolean {
  if (!t.startsWith(quotedName, at)) return false
  at += quotedName.length
  skipSpace(t)
  if (t.charCodeAt(at) !== COLON) {
    at = t.length + 1 // nothing matches after a name without its colon: the text is not a plain record
    return false
  }
  at++
  skipSpace(t)
  return true
}

function isNull(t: string): boolean {
  if (!t.startsWith('null', at)) return false
  at += 4
  return true
}

// After a member: a comma (true: another member follows) or the closing brace (false); undefined otherwise.
function next(t: string): boolean | undefined {
  skipSpace(t)
  const c = t.charCodeAt(at++)
  if (c === COMMA) {
    skipSpace(t)
    return true
  }
  return c === CLOSE ? false : undefined
}

// A key or value spec: null, or {"type":"BINARY"|"STRING","data":string|null} in either order.
function side(t: string): { bytes: Buffer | null; report: SideReport } | null | undefined {
  if (isNull(t)) return null
  if (t.charCodeAt(at) !== OPEN) return undefined
  at++
  skipSpace(t)
  let type: string | undefined
  let data: string | null | undefined
  if (t.charCodeAt(at) !== CLOSE) {
    for (;;) {
      if (type === undefined && member(t, '"type"')) {
        type = plainString(t)
        if (type === undefined) return undefined
      } else if (data === undefined && member(t, '"data"')) {
        data = isNull(t) ? null : plainString(t)
        if (data === undefined) return undefined
      } else return undefined
      const more = next(t)
      if (more === undefined) return undefined
      if (!more) break
    }
  } else at++
  let bytes: Buffer | null = null
  if (type === 'BINARY') {
    if (typeof data === 'string') {
      const decoded = decodeBase64(data)
      if (!decoded) return undefined
      bytes = decoded
    }
  } else if (type === 'STRING') {
    if (typeof data === 'string') {
      if (controlChar.test(data)) return undefined
      bytes = Buffer.from(data)
    }
  } else return undefined
  return { bytes, report: { type, size: bytes ? bytes.length : -1 } }
}

// partition_id: null or a plain non-negative integer of at most 9 digits.
function partitionId(t: string): number | null | undefined {
  if (isNull(t)) return null
  const start = at
  let c = t.charCodeAt(at)
  while (c >= 0x30 && c <= 0x39) c = t.charCodeAt(++at)
  const digits = at - start
  if (digits === 0 || digits > 9 || (digits > 1 && t.charCodeAt(start) === 0x30)) return undefined
  if (c === 0x2e || c === 0x65 || c === 0x45) return undefined // a fraction or exponent: the general path
  return Number(t.slice(start, at))
}

/** The record in `t`, or undefined when `t` is not one of the plain shapes (then use parseRecordRequest). */
export function parsePlainRecord(t: string): ParsedRecord | undefined {
  if (t.includes('\\')) return undefined
  at = 0
  skipSpace(t)
  if (t.charCodeAt(at) !== OPEN) return undefined
  at++
  skipSpace(t)
  const record: OutgoingRecord = { key: null, value: null }
  const parsed: ParsedRecord = { record }
  let seen = 0
  if (t.charCodeAt(at) === CLOSE) at++
  else {
    for (;;) {
      const isValue = member(t, '"value"')
      if (isValue || member(t, '"key"')) {
        const bit = isValue ? 1 : 2
        if (seen & bit) return undefined
        seen |= bit
        const s = side(t)
        if (s === undefined) return undefined
        if (s === null) {
          // absent
        } else if (isValue) {
          record.value = s.bytes
          parsed.value = s.report
        } else {
          record.key = s.bytes
          parsed.key = s.report
        }
      } else if (member(t, '"partition_id"')) {
        if (seen & 4) return undefined
        seen |= 4
        const partition = partitionId(t)
        if (partition === undefined) return undefined
        if (partition !== null) record.partition = partition
      } else if (member(t, '"timestamp"')) {
        if (seen & 8) return undefined
        seen |= 8
        if (!isNull(t)) {
          const text = plainString(t)
          if (text === undefined || controlChar.test(text)) return undefined
          const ms = Date.parse(text)
          if (Number.isNaN(ms)) return undefined
          record.timestamp = ms
        }
      } else return undefined
      const more = next(t)
      if (more === undefined) return undefined
      if (!more) break
    }
  }
  skipSpace(t)
  return at === t.length ? parsed : undefined
}

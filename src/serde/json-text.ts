// JSON record bytes as a v2 json consumer returns them: checked to be one JSON value (RFC 8259, UTF-8) and passed
// through as they are, less any whitespace between tokens. Upstream parses them into a Jackson tree and writes it
// back compactly; passing the bytes through gives the same text without a parse and a re-serialization (the
// hottest part of a json read), and keeps what JavaScript numbers would lose: integers beyond 2^53 and the
// spelling of decimals ("1.0" stays "1.0", as Jackson writes it).
import { isUtf8 } from 'node:buffer'

const QUOTE = 0x22
const BACKSLASH = 0x5c

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
const isDigit = (c: number) => c >= 0x30 && c <= 0x39
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)

// The end of the string starting at `i` (its opening quote): the index after its closing quote, or -1 when it is
// not a valid JSON string (unescaped control characters, bad escapes, no end). Bytes ≥ 0x80 are checked by
// isUtf8 once for the whole text, and only when there are any (`high`). Plain functions of local variables: the
// loops stay tight.
// Per byte: 1 ends the plain run of a string (the quote, the backslash, the control characters), 2 is a byte
// ≥ 0x80 (plain, but the text then needs its UTF-8 checked).
const special = new Uint8Array(256)
for (let c = 0; c < 0x20; c++) special[c] = 1
special[QUOTE] = 1
special[BACKSLASH] = 1
for (let c = 0x80; c < 0x100; c++) special[c] = 2

// 1 when the text scanned since compactJson began has a byte ≥ 0x80, else 0.
let high = 0

// One view of the ArrayBuffer last scanned: the records of a read share one, so this is rarely made anew.
let viewed: ArrayBufferLike | undefined
let view: DataView

// Skips the plain bytes from `i` eight at a time while none of them can end the run: a byte b < 0x20, == 0x22 or
// == 0x5c has bit 7 set in (b - k) & ~b for k = 0x20, or for k = 1 after an xor with the quote or backslash (a
// borrow may flag a later byte of the word too). Returns where the first flagged word (or the last < 8 bytes)
// starts; the caller's byte loop finds the exact byte.
function wordsEnd(bytes: Uint8Array, i: number, n: number): number {
  const buffer = bytes.buffer
  if (buffer !== viewed) {
    viewed = buffer
    view = new DataView(buffer)
  }
  const words = view
  const offset = bytes.byteOffset
  let p = offset + i
  const last = offset + n - 8
  let bits = 0
  while (p <= last) {
    const x = words.getInt32(p, true)
    const y = words.getInt32(p + 4, true)
    const xq = x ^ 0x22222222
    const xb = x ^ 0x5c5c5c5c
    const yq = y ^ 0x22222222
    const yb = y ^ 0x5c5c5c5c
    const stop =
      ((x - 0x20202020) & ~x) |
      ((xq - 0x01010101) & ~xq) |
      ((xb - 0x01010101) & ~xb) |
      ((y - 0x20202020) & ~y) |
      ((yq - 0x01010101) & ~yq) |
      ((yb - 0x01010101) & ~yb)
    if ((stop & 0x80808080) !== 0) break
    bits |= x | y
    p += 8
  }
  if ((bits & 0x80808080) !== 0) high = 1 // (a Smi: a module variable holding a larger int is a heap number)
  return p - offset
}

function stringEnd(bytes: Uint8Array, i: number, n: number): number {
  i++
  while (i < n) {
    // most strings (keys, short values) end within a few bytes: those are read a byte at a time
    const near = i + 16 < n ? i + 16 : n
    while (i < near && special[bytes[i]] === 0) i++
    if (i === near) {
      if (i >= n) return -1
      i = wordsEnd(bytes, i, n)
      while (i < n && special[bytes[i]] === 0) i++
      if (i >= n) return -1
    }
    const c = bytes[i++]
    if (c === QUOTE) return i
    if (c === BACKSLASH) {
      if (i >= n) return -1
      const e = bytes[i++]
      if (e === 0x75) {
        if (i + 4 > n || !isHex(bytes[i]) || !isHex(bytes[i + 1]) || !isHex(bytes[i + 2]) || !isHex(bytes[i + 3]))
          return -1
        i += 4
      } else if (!(e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74)) return -1 // prettier-ignore
    } else if (c >= 0x80) high = 1
    else return -1 // a control character
  }
  return -1
}

function digitsEnd(bytes: Uint8Array, i: number, n: number): number {
  while (i < n && isDigit(bytes[i])) i++
  return i
}

// The end of the number starting at `i`, or -1.
function numberEnd(bytes: Uint8Array, i: number, n: number): number {
  if (bytes[i] === 0x2d) i++
  if (i < n && bytes[i] === 0x30) i++
  else {
    const end = digitsEnd(bytes, i, n)
    if (end === i) return -1
    i = end
  }
  if (i < n && bytes[i] === 0x2e) {
    const end = digitsEnd(bytes, i + 1, n)
    if (end === i + 1) return -1
    i = end
  }
  if (i < n && (bytes[i] === 0x65 || bytes[i] === 0x45)) {
    i++
    if (i < n && (bytes[i] === 0x2b || bytes[i] === 0x2d)) i++
    const end = digitsEnd(bytes, i, n)
    if (end === i) return -1
    i = end
  }
  return i
}

function literalEnd(bytes: Uint8Array, i: number, n: number, text: string): number {
  if (i + text.length > n) return -1
  for (let k = 0; k < text.length; k++) if (bytes[i + k] !== text.charCodeAt(k)) return -1
  return i + text.length
}

function spacesEnd(bytes: Uint8Array, i: number, n: number): number {
  while (i < n && isSpace(bytes[i])) i++
  return i
}

// One pass over the bytes with an explicit stack of open containers: no recursion, so deep nesting cannot
// overflow. undefined when the bytes are not exactly one JSON value; else whether there is whitespace between
// tokens (false: the text is already compact).
function scan(bytes: Uint8Array): boolean | undefined {
  const n = bytes.length
  const stack: number[] = [] // 0x7b object, 0x5b array
  let i = 0
  let spaces = false
  let at: number
  for (;;) {
    // a value
    at = spacesEnd(bytes, i, n)
    spaces ||= at > i
    i = at
    if (i >= n) return undefined
    const c = bytes[i]
    if (c === 0x7b || c === 0x5b) {
      const close = c === 0x7b ? 0x7d : 0x5d
      at = spacesEnd(bytes, i + 1, n)
      spaces ||= at > i + 1
      i = at
      if (i < n && bytes[i] === close)
        i++ // an empty container is a whole value
      else {
        stack.push(c)
        if (c === 0x5b) continue
        at = memberKeyEnd(bytes, i, n)
        if (at < 0) return undefined
        spaces ||= keySpaced
        i = at
        continue
      }
    } else {
      if (c === QUOTE) i = stringEnd(bytes, i, n)
      else if (c === 0x74) i = literalEnd(bytes, i, n, 'true')
      else if (c === 0x66) i = literalEnd(bytes, i, n, 'false')
      else if (c === 0x6e) i = literalEnd(bytes, i, n, 'null')
      else i = c === 0x2d || isDigit(c) ? numberEnd(bytes, i, n) : -1
      if (i < 0) return undefined
    }
    // after a value: close containers, or a comma and the next member
    for (;;) {
      at = spacesEnd(bytes, i, n)
      spaces ||= at > i
      i = at
      if (stack.length === 0) return i === n ? spaces : undefined
      if (i >= n) return undefined
      const top = stack[stack.length - 1]
      const d = bytes[i++]
      if (d === (top === 0x7b ? 0x7d : 0x5d)) {
        stack.pop()
        continue
      }
      if (d !== 0x2c) return undefined
      if (top === 0x7b) {
        at = memberKeyEnd(bytes, i, n)
        if (at < 0) return undefined
        spaces ||= keySpaced
        i = at
      }
      break
    }
  }
}

// Whether the last key memberKeyEnd read had spaces around it (a second result without an allocation).
let keySpaced = false

// `"key" :` of an object member at `i` (spaces allowed before it and before the colon): the index after the
// colon, or -1. Sets keySpaced.
function memberKeyEnd(bytes: Uint8Array, i: number, n: number): number {
  const start = spacesEnd(bytes, i, n)
  if (start >= n || bytes[start] !== QUOTE) return -1
  const end = stringEnd(bytes, start, n)
  if (end < 0) return -1
  const colon = spacesEnd(bytes, end, n)
  if (colon >= n || bytes[colon] !== 0x3a) return -1
  keySpaced = start > i || colon > end
  return colon + 1
}

/**
 * The bytes as compact JSON text: the same bytes when they are compact already, a copy without the whitespace
 * between tokens otherwise; undefined when they are not one JSON value in UTF-8.
 */
export function compactJson(bytes: Buffer): Buffer | undefined {
  high = 0
  const spaced = scan(bytes)
  if (spaced === undefined || (high !== 0 && !isUtf8(bytes))) return undefined
  if (!spaced) return bytes
  const out = Buffer.allocUnsafe(bytes.length)
  let o = 0
  let inString = false
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]
    if (inString) {
      if (c === BACKSLASH) out[o++] = bytes[i++]
      else if (c === QUOTE) inString = false
    } else if (c === QUOTE) inString = true
    else if (isSpace(c)) continue
    out[o++] = bytes[i]
  }
  return out.subarray(0, o)
}

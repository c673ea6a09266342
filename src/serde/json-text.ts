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

// One pass over the bytes with an explicit stack of open containers: no recursion, so deep nesting cannot
// overflow. Returns -1 when the bytes are not exactly one JSON value; else the count of whitespace bytes between
// tokens (0: the text is already compact). `highBytes` tells whether a byte ≥ 0x80 was seen (in strings only).
function scan(bytes: Uint8Array): { spaces: number; highBytes: boolean } | undefined {
  const n = bytes.length
  const stack: number[] = [] // 0x7b object, 0x5b array
  let i = 0
  let spaces = 0
  let highBytes = false
  const skipSpace = () => {
    while (i < n && isSpace(bytes[i])) {
      i++
      spaces++
    }
  }
  const string = (): boolean => {
    i++ // opening quote
    while (i < n) {
      const c = bytes[i++]
      if (c === QUOTE) return true
      if (c < 0x20) return false
      if (c >= 0x80) highBytes = true
      else if (c === BACKSLASH) {
        if (i >= n) return false
        const e = bytes[i++]
        if (e === 0x75) {
          if (i + 4 > n || !isHex(bytes[i]) || !isHex(bytes[i + 1]) || !isHex(bytes[i + 2]) || !isHex(bytes[i + 3]))
            return false
          i += 4
        } else if (!(e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74)) return false // prettier-ignore
      }
    }
    return false
  }
  const digits = (): boolean => {
    const start = i
    while (i < n && isDigit(bytes[i])) i++
    return i > start
  }
  const number = (): boolean => {
    if (bytes[i] === 0x2d) i++
    if (i < n && bytes[i] === 0x30) i++
    else if (!digits()) return false
    if (i < n && bytes[i] === 0x2e) {
      i++
      if (!digits()) return false
    }
    if (i < n && (bytes[i] === 0x65 || bytes[i] === 0x45)) {
      i++
      if (i < n && (bytes[i] === 0x2b || bytes[i] === 0x2d)) i++
      if (!digits()) return false
    }
    return true
  }
  const literal = (text: string): boolean => {
    if (i + text.length > n) return false
    for (let k = 0; k < text.length; k++) if (bytes[i + k] !== text.charCodeAt(k)) return false
    i += text.length
    return true
  }
  // A value, then what may follow it: a comma, the container's end, or the end of the text.
  for (;;) {
    skipSpace()
    if (i >= n) return undefined
    const c = bytes[i]
    let ok: boolean
    if (c === QUOTE) ok = string()
    else if (c === 0x7b || c === 0x5b) {
      i++
      skipSpace()
      if (i < n && bytes[i] === (c === 0x7b ? 0x7d : 0x5d)) {
        i++ // empty container
        ok = true
      } else {
        stack.push(c)
        if (c === 0x7b && !objectKey()) return undefined
        continue
      }
    } else if (c === 0x74) ok = literal('true')
    else if (c === 0x66) ok = literal('false')
    else if (c === 0x6e) ok = literal('null')
    else ok = c === 0x2d || isDigit(c) ? number() : false
    if (!ok) return undefined
    // after a value: close containers, or a comma and the next member
    for (;;) {
      skipSpace()
      if (stack.length === 0) return i === n ? { spaces, highBytes } : undefined
      if (i >= n) return undefined
      const top = stack[stack.length - 1]
      const d = bytes[i++]
      if (d === (top === 0x7b ? 0x7d : 0x5d)) {
        stack.pop()
        continue
      }
      if (d !== 0x2c) return undefined
      if (top === 0x7b && !objectKey()) return undefined
      break
    }
  }

  // `"key" :` of an object member; leaves i at the value.
  function objectKey(): boolean {
    skipSpace()
    if (i >= n || bytes[i] !== QUOTE || !string()) return false
    skipSpace()
    if (i >= n || bytes[i] !== 0x3a) return false
    i++
    return true
  }
}

/**
 * The bytes as compact JSON text: the same bytes when they are compact already, a copy without the whitespace
 * between tokens otherwise; undefined when they are not one JSON value in UTF-8.
 */
export function compactJson(bytes: Buffer): Buffer | undefined {
  const scanned = scan(bytes)
  if (!scanned) return undefined
  if (scanned.highBytes && !isUtf8(bytes)) return undefined
  if (scanned.spaces === 0) return bytes
  const out = Buffer.allocUnsafe(bytes.length - scanned.spaces)
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
  return out
}

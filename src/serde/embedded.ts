// Encoding of the schemaless embedded formats: JSON data → the bytes that go to Kafka.
// BINARY: standard base64 (padded or not, as Java's decoder accepts); JSON: compact JSON text (a string keeps
// its quotes); STRING: the UTF-8 bytes of a JSON string.
import { stringifyExact } from './exact-json.ts'

// Strict standard base64 (padded or not, as Java's decoder accepts), checked by Node's native decoder: it
// skips characters outside the alphabet, so any such character (whitespace, '%', a misplaced '=', non-ASCII)
// leaves the output shorter than the length the text implies. Node also accepts the URL-safe '-' and '_',
// which Java's basic decoder does not: those are refused first. A unit test holds this to the grammar.
export function decodeBase64(text: string): Buffer | undefined {
  const n = text.length
  let pad = 0
  if (n > 0 && text.charCodeAt(n - 1) === 0x3d) pad = n > 1 && text.charCodeAt(n - 2) === 0x3d ? 2 : 1
  const rest = n % 4
  if ((pad > 0 && rest !== 0) || rest === 1) return undefined
  const expected = rest === 0 ? (n / 4) * 3 - pad : ((n - rest) / 4) * 3 + rest - 1
  if (text.includes('-') || text.includes('_')) return undefined
  const bytes = Buffer.from(text, 'base64')
  return bytes.length === expected ? bytes : undefined
}

/**
 * JSON data → its compact JSON text, as bytes. `escapes` says whether the text the data was parsed from had a
 * backslash. Without one, no string in it needs escaping: it had no quote, backslash or control character (they
 * only parse escaped), and decoding UTF-8 never makes a lone surrogate. A string is then its UTF-8 bytes in quotes,
 * with no JSON.stringify: that scans every character, which for a 1 KiB string costs four times the copy.
 */
export function encodeJson(data: unknown, escapes = true): Buffer {
  if (escapes || typeof data !== 'string') return Buffer.from(stringifyExact(data))
  const length = Buffer.byteLength(data)
  const bytes = Buffer.allocUnsafe(length + 2)
  bytes[0] = 0x22
  bytes.write(data, 1, 'utf8')
  bytes[length + 1] = 0x22
  return bytes
}

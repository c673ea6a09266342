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

export const encodeJson = (data: unknown): Buffer => Buffer.from(stringifyExact(data))

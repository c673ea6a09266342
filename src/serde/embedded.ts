// Encoding of the schemaless embedded formats: JSON data → the bytes that go to Kafka.
// BINARY: standard base64 (padded or not, as Java's decoder accepts); JSON: compact JSON text (a string keeps
// its quotes); STRING: the UTF-8 bytes of a JSON string.

// 1 for the 64 characters of the standard alphabet.
const alphabet = new Uint8Array(128)
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') alphabet[c.charCodeAt(0)] = 1

// Standard base64, padded or not (as Java's decoder accepts): groups of 4, a last group of 2 or 3 characters,
// '=' only as padding of that last group. A table loop: several times faster than a regex on the hot path.
function isBase64(text: string): boolean {
  let end = text.length
  if (end > 0 && text.charCodeAt(end - 1) === 0x3d) {
    end--
    if (end > 0 && text.charCodeAt(end - 1) === 0x3d) end--
    if (text.length % 4 !== 0) return false
  }
  if (end % 4 === 1) return false
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c > 127 || alphabet[c] === 0) return false
  }
  return true
}

// The decoded bytes, or undefined when `text` is not valid base64 (Buffer.from would silently skip bad input).
export function decodeBase64(text: string): Buffer | undefined {
  return isBase64(text) ? Buffer.from(text, 'base64') : undefined
}

export const encodeJson = (data: unknown): Buffer => Buffer.from(JSON.stringify(data))

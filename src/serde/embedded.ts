// Encoding of the schemaless embedded formats: JSON data → the bytes that go to Kafka.
// BINARY: standard base64 (padded or not, as Java's decoder accepts); JSON: compact JSON text (a string keeps
// its quotes); STRING: the UTF-8 bytes of a JSON string.

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/

// The decoded bytes, or undefined when `text` is not valid base64 (Buffer.from would silently skip bad input).
export function decodeBase64(text: string): Buffer | undefined {
  return base64.test(text) ? Buffer.from(text, 'base64') : undefined
}

export const encodeJson = (data: unknown): Buffer => Buffer.from(JSON.stringify(data))

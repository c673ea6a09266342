// JSON request data with integers beyond 2^53 kept exact, as Jackson keeps them upstream: a 64-bit id sent as a
// JSON number must reach Kafka with every digit (an Avro long, a Protobuf int64, a JSON record). JSON.parse turns
// such a number into the nearest double; here it becomes a BigInt, which the codecs take as they take numbers.
// Only texts with a run of 16 digits can hold one, so every other text keeps the plain JSON.parse.

const longDigits = /\d{16}/

// JSON.parse's reviver sees each number's source text (Node 21+).
type Reviver = (key: string, value: unknown, context?: { source?: string }) => unknown

const keepIntegers: Reviver = (_key, value, context) =>
  typeof value === 'number' && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)
    ? BigInt(context.source)
    : value

/** Whether `text` may hold an integer JSON.parse would round: parse it with parseExact then. */
export const mayHoldBigIntegers = (text: string): boolean => longDigits.test(text)

/** JSON.parse, but integers beyond 2^53 as BigInt. Throws SyntaxError as JSON.parse does. */
export function parseExact(text: string): unknown {
  return mayHoldBigIntegers(text)
    ? JSON.parse(text, keepIntegers as Parameters<typeof JSON.parse>[1])
    : JSON.parse(text)
}

const { rawJSON } = JSON as unknown as { rawJSON: (text: string) => unknown }

/** JSON.stringify, but BigInts written as their digits (JSON.stringify refuses them). */
export function stringifyExact(data: unknown): string {
  try {
    return JSON.stringify(data)
  } catch (error) {
    if (!(error instanceof TypeError)) throw error
    return JSON.stringify(data, (_key, value: unknown) => (typeof value === 'bigint' ? rawJSON(String(value)) : value))
  }
}

// JSON request data with integers beyond 2^53 kept exact, as Jackson keeps them upstream: a 64-bit id sent as a
// JSON number must reach Kafka with every digit (an Avro long, a Protobuf int64, a JSON record). JSON.parse turns
// such a number into the nearest double; here it becomes a BigInt, which the codecs take as they take numbers.
// The plain JSON.parse runs first; only a result holding an integer it may have rounded is parsed again with a
// reviver. Looking at the parsed values costs a few nanoseconds per value; scanning the text for long digit runs
// cost more than the parse itself (it is mostly strings).

// JSON.parse's reviver sees each number's source text (Node 21+).
type Reviver = (key: string, value: unknown, context?: { source?: string }) => unknown

const keepIntegers: Reviver = (_key, value, context) =>
  typeof value === 'number' && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)
    ? BigInt(context.source)
    : value

const ROUNDED = 1
const PROTO = 2

const rounded = (value: unknown): number =>
  typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value) ? ROUNDED : 0

// ROUNDED when `root` holds an integer JSON.parse may have rounded, PROTO when an object has an own "__proto__"
// key. Iterative: JSON.parse takes any depth, so a recursive walk could overflow the stack on a hostile body.
function inspect(root: unknown): number {
  if (typeof root !== 'object' || root === null) return rounded(root)
  let found = 0
  const stack: object[] = [root]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const value: unknown = node[i]
        if (typeof value === 'object' && value !== null) stack.push(value)
        else found |= rounded(value)
      }
    } else {
      if (Object.hasOwn(node, '__proto__')) found |= PROTO
      for (const key in node) {
        const value: unknown = (node as Record<string, unknown>)[key]
        if (typeof value === 'object' && value !== null) stack.push(value)
        else found |= rounded(value)
      }
    }
  }
  return found
}

/**
 * JSON.parse, but integers beyond 2^53 as BigInt. Throws SyntaxError as JSON.parse does, and also, with
 * `refuseProto`, for an object with a "__proto__" key (request bodies: fastify's parser refuses those too).
 */
export function parseExact(text: string, refuseProto = false): unknown {
  const value: unknown = JSON.parse(text)
  const found = inspect(value)
  if (refuseProto && found & PROTO) throw new SyntaxError('Object contains forbidden prototype property')
  return found & ROUNDED ? JSON.parse(text, keepIntegers as Parameters<typeof JSON.parse>[1]) : value
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

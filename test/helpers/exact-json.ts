// JSON with integers beyond 2^53 kept exact (BigInt), and back to text the same way: a canonical form to compare
// JSON texts by value (key order and number spelling aside) without losing 64-bit longs.

type Reviver = (key: string, value: unknown, context: { source?: string }) => unknown

export const exactParse = (text: string): unknown =>
  JSON.parse(text, ((_key, value, context) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && /^-?\d+$/.test(context.source ?? '')
      ? BigInt(context.source!)
      : value) as Reviver as (key: string, value: unknown) => unknown)

const rawJSON = (text: string): unknown => (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(text)

export const canonical = (text: string): string =>
  JSON.stringify(exactParse(text), (_key, value: unknown) =>
    typeof value === 'bigint' ? rawJSON(String(value)) : value
  )

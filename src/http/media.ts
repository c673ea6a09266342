// Media types of the Confluent API and Accept negotiation (RFC 9110 media ranges with q-values).
// The server side has its own weights (JAX-RS "qs"): on GET /records `Accept: */*` must pick binary, because
// upstream declares binary at qs=1, the v2 type at 0.9 and the other embedded types at 0.1.

export const mediaTypes = {
  v2: 'application/vnd.kafka.v2+json',
  binaryV2: 'application/vnd.kafka.binary.v2+json',
  jsonV2: 'application/vnd.kafka.json.v2+json',
  avroV2: 'application/vnd.kafka.avro.v2+json',
  jsonschemaV2: 'application/vnd.kafka.jsonschema.v2+json',
  protobufV2: 'application/vnd.kafka.protobuf.v2+json',
  json: 'application/json',
  octetStream: 'application/octet-stream'
} as const

export type MediaType = (typeof mediaTypes)[keyof typeof mediaTypes]

// Every request media type whose body is parsed as JSON (rest-utils treats octet-stream as JSON too).
export const jsonBodyTypes: readonly string[] = Object.values(mediaTypes)

export interface Offer {
  type: string
  qs?: number
}

interface Range {
  type: string
  subtype: string
  q: number
  specificity: number
}

function parseAccept(header: string): Range[] {
  const ranges: Range[] = []
  for (const part of header.split(',')) {
    const [mime = '', ...params] = part.split(';')
    const [type = '', subtype = ''] = mime.trim().toLowerCase().split('/')
    if (!type || !subtype) continue
    let q = 1
    for (const param of params) {
      const [name, value] = param.split('=').map(s => s.trim())
      if (name === 'q' && value !== undefined) q = Number(value)
    }
    if (!Number.isFinite(q)) continue
    ranges.push({ type, subtype, q, specificity: (type === '*' ? 0 : 1) + (subtype === '*' ? 0 : 1) })
  }
  return ranges
}

// Answers of negotiate per offer list (routes keep theirs for good), per Accept header: clients send few distinct
// ones, and parsing the header cost every request more than the rest of content negotiation. Bounded: a list's
// answers are dropped when it holds too many.
const answers = new WeakMap<readonly Offer[], Map<string, string | undefined>>()
const maxAnswers = 256

// The offer the client accepts best (client q × server qs, ties broken by offer order), or undefined (→ 406).
export function negotiate(accept: string | undefined, offers: readonly Offer[]): string | undefined {
  if (offers.length === 0) return undefined
  if (!accept) return offers[0].type
  let known = answers.get(offers)
  if (known?.has(accept)) return known.get(accept)
  if (!known) answers.set(offers, (known = new Map<string, string | undefined>()))
  else if (known.size >= maxAnswers) known.clear()
  const answer = choose(accept, offers)
  known.set(accept, answer)
  return answer
}

function choose(accept: string, offers: readonly Offer[]): string | undefined {
  if (accept.trim() === '') return offers[0].type
  const ranges = parseAccept(accept)
  let best: string | undefined
  let bestScore = 0
  for (const offer of offers) {
    const [type, subtype] = offer.type.split('/')
    // The most specific matching range decides the client's q for this offer.
    let match: Range | undefined
    for (const range of ranges) {
      if ((range.type === '*' || range.type === type) && (range.subtype === '*' || range.subtype === subtype)) {
        if (!match || range.specificity > match.specificity) match = range
      }
    }
    const score = match ? match.q * (offer.qs ?? 1) : 0
    if (score > bestScore) {
      best = offer.type
      bestScore = score
    }
  }
  return best
}

// The bare media type of a Content-Type header: lower case, parameters removed.
export function essence(contentType: string | undefined): string {
  if (!contentType) return ''
  const semi = contentType.indexOf(';')
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
}

// Sets the response type exactly as given. fastify appends "; charset=utf-8" to JSON types unless the reply
// has its own serializer; Confluent's proxy sends the bare type and strict clients compare against it.
export function setJsonType(
  reply: { type(t: string): unknown; serializer(fn: (payload: unknown) => string): unknown },
  type: string
): void {
  reply.type(type)
  reply.serializer(JSON.stringify)
}

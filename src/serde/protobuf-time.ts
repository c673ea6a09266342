// The text forms ProtoJSON gives google.protobuf.Timestamp, Duration and FieldMask, as Java's Timestamps,
// Durations and FieldMaskUtil write and read them (what Confluent's REST Proxy uses):
//   Timestamp  "1972-01-01T10:00:20.021Z": RFC 3339 in UTC, 0, 3, 6 or 9 fraction digits; offsets accepted when
//              reading ("…T10:00:20+02:00"); 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z
//   Duration   "1.000340012s", "-3.5s": seconds with 0, 3, 6 or 9 fraction digits; ±315,576,000,000 s
//   FieldMask  "user.displayName,photo": paths joined by commas, each snake_case name in lowerCamelCase
// Parsers return undefined for text that is not of the form (the caller words the error).

const MIN_SECONDS = -62135596800n // 0001-01-01T00:00:00Z
const MAX_SECONDS = 253402300799n // 9999-12-31T23:59:59Z
const MAX_DURATION_SECONDS = 315576000000n // 10,000 years

export interface SecondsNanos {
  seconds: bigint
  nanos: number
}

// 0, 3, 6 or 9 digits: the fewest that keep the value (Java's formatNanos).
function fraction(nanos: number): string {
  if (nanos === 0) return ''
  if (nanos % 1_000_000 === 0) return `.${String(nanos / 1_000_000).padStart(3, '0')}`
  if (nanos % 1000 === 0) return `.${String(nanos / 1000).padStart(6, '0')}`
  return `.${String(nanos).padStart(9, '0')}`
}

const nanosOf = (digits: string | undefined) => (digits ? Number(digits.padEnd(9, '0')) : 0)

/** Undefined when out of range (Java refuses to print such a Timestamp). */
export function formatTimestamp({ seconds, nanos }: SecondsNanos): string | undefined {
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS || nanos < 0 || nanos > 999_999_999) return undefined
  const iso = new Date(Number(seconds) * 1000).toISOString() // proleptic Gregorian, years 0001-9999
  return `${iso.slice(0, 19)}${fraction(nanos)}Z`
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/

export function parseTimestamp(text: string): SecondsNanos | undefined {
  const m = TIMESTAMP.exec(text)
  if (!m) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number)
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day) // not Date.UTC: it maps years 0-99 to 1900-1999
  if (date.getUTCDate() !== day) return undefined // 31 April, 29 February of a common year
  let seconds = BigInt(date.getTime() / 1000 + hour * 3600 + minute * 60 + second)
  if (m[8]) {
    const [offsetHours, offsetMinutes] = [Number(m[9]), Number(m[10])]
    if (offsetHours > 23 || offsetMinutes > 59) return undefined
    const offset = BigInt(offsetHours * 3600 + offsetMinutes * 60)
    seconds += m[8] === '+' ? -offset : offset
  }
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) return undefined
  return { seconds, nanos: nanosOf(m[7]) }
}

/** Undefined when out of range or when seconds and nanos differ in sign (Java refuses those). */
export function formatDuration({ seconds, nanos }: SecondsNanos): string | undefined {
  if (seconds < -MAX_DURATION_SECONDS || seconds > MAX_DURATION_SECONDS) return undefined
  if (nanos < -999_999_999 || nanos > 999_999_999) return undefined
  if ((seconds < 0n && nanos > 0) || (seconds > 0n && nanos < 0)) return undefined
  const negative = seconds < 0n || nanos < 0
  const abs = negative ? -seconds : seconds
  return `${negative ? '-' : ''}${abs}${fraction(Math.abs(nanos))}s`
}

const DURATION = /^(-?)(\d+)(?:\.(\d{1,9}))?s$/

export function parseDuration(text: string): SecondsNanos | undefined {
  const m = DURATION.exec(text)
  if (!m || m[2].length > 20) return undefined
  const seconds = BigInt(m[2])
  if (seconds > MAX_DURATION_SECONDS) return undefined
  const nanos = nanosOf(m[3])
  return m[1] === '-' ? { seconds: -seconds, nanos: nanos === 0 ? 0 : -nanos } : { seconds, nanos }
}

/** FieldMask paths (snake_case) → "a.bC,d". */
export function formatFieldMask(paths: readonly string[]): string {
  return paths.map(path => path.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())).join(',')
}

/** "a.bC,d" → FieldMask paths (snake_case); empty segments are skipped, as Java's splitter does. */
export function parseFieldMask(text: string): string[] {
  return text
    .split(',')
    .filter(path => path !== '')
    .map(path => path.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`))
}

// The consume load generator's reading of a v2 records answer. It shares 2 cores with the proxy, so it neither
// JSON.parses nor even decodes every ~1-2 MB answer (each cost it more CPU than the proxy spent writing it): a scan
// of the answer's bytes finds each record's value, partition and offset in order, and every 64th answer is also
// decoded and parsed whole, checking that it is JSON and that the scan saw every record. Values are checked by
// shape: a base64 string of the expected length (binary), an object (json, avro).

export interface ScannedRecord {
  partition: number
  offset: number
  /** Length in bytes of the value's JSON text, and its first byte. */
  valueLength: number
  valueFirst: number
}

// Each record ends `"value":<value>,"partition":<n>,"offset":<n>}`; our values never hold `,"partition":`.
// Buffer#indexOf skips through the values natively (a regular expression over the text, which looked at every
// character, made the generator, not the proxy, the bottleneck at 1 KiB values).
const VALUE = Buffer.from('"value":')
const PARTITION = Buffer.from(',"partition":')
const OFFSET = Buffer.from(',"offset":')
let answers = 0

function digitsAt(bytes: Buffer, i: number): number {
  let n = 0
  for (let c = bytes[i]; c >= 0x30 && c <= 0x39; c = bytes[++i]) n = n * 10 + (c - 0x30)
  return n
}

// Whether `bytes` hold `pattern` at `at` (a loop: Buffer#compare costs more to call for so few bytes).
function holds(bytes: Buffer, at: number, pattern: Buffer): boolean {
  if (at < 0 || at + pattern.length > bytes.length) return false
  for (let i = 0; i < pattern.length; i++) if (bytes[at + i] !== pattern[i]) return false
  return true
}

/**
 * `valueLength`: the length every value should have (e.g. a base64 string's, quotes included): the scan first
 * looks for the partition right after a value of that length, and searches only when it is not there.
 */
export function scanRecords(bytes: Buffer, valueLength = -1): ScannedRecord[] {
  const out: ScannedRecord[] = []
  for (let at = bytes.indexOf(VALUE); at >= 0; at = bytes.indexOf(VALUE, at)) {
    const valueStart = at + VALUE.length
    const partitionAt =
      valueLength >= 0 && holds(bytes, valueStart + valueLength, PARTITION)
        ? valueStart + valueLength
        : bytes.indexOf(PARTITION, valueStart)
    const comma = partitionAt < 0 ? -1 : bytes.indexOf(0x2c, partitionAt + 1)
    if (comma < 0 || !holds(bytes, comma, OFFSET)) throw new Error(`a record without partition and offset at ${at}`)
    const offsetAt = comma + OFFSET.length
    out.push({
      valueLength: partitionAt - valueStart,
      valueFirst: bytes[valueStart],
      partition: digitsAt(bytes, partitionAt + PARTITION.length),
      offset: digitsAt(bytes, offsetAt)
    })
    at = offsetAt
  }
  if (answers++ % 64 === 0) {
    const parsed = JSON.parse(bytes.toString()) as unknown[]
    if (!Array.isArray(parsed) || parsed.length !== out.length)
      throw new Error(`the scan found ${out.length} records where the answer holds ${parsed.length}`)
  }
  return out
}

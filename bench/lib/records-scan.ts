// The consume load generator's reading of a v2 records answer. It shares 2 cores with the proxy, so it does not
// JSON.parse every ~2 MB answer (that cost it more CPU than the proxy spent writing it): a scan
// finds each record's value, partition and offset in order, and every 64th answer is also parsed whole, checking
// that it is JSON and that the scan saw every record. Values are checked by shape: a base64 string of the
// expected length (binary), an object (json, avro).

export interface ScannedRecord {
  partition: number
  offset: number
  /** The value's JSON text. */
  value: string
}

// Each record ends `"value":<value>,"partition":<n>,"offset":<n>}`; our values never hold `,"partition":`.
// String#indexOf skips through the values (it does not look at every character as a regular expression did, which
// at 1 KiB values made the generator, not the proxy, the bottleneck).
const VALUE = '"value":'
const PARTITION = ',"partition":'
const OFFSET = ',"offset":'
let answers = 0

function digitsAt(text: string, i: number): number {
  let n = 0
  for (let c = text.charCodeAt(i); c >= 0x30 && c <= 0x39; c = text.charCodeAt(++i)) n = n * 10 + (c - 0x30)
  return n
}

export function scanRecords(text: string): ScannedRecord[] {
  const out: ScannedRecord[] = []
  for (let at = text.indexOf(VALUE); at >= 0; at = text.indexOf(VALUE, at)) {
    const valueStart = at + VALUE.length
    const partitionAt = text.indexOf(PARTITION, valueStart)
    if (partitionAt < 0 || !text.startsWith(OFFSET, text.indexOf(',', partitionAt + 1)))
      throw new Error(`a record without partition and offset at ${at}`)
    const offsetAt = text.indexOf(',', partitionAt + 1) + OFFSET.length
    out.push({
      value: text.slice(valueStart, partitionAt),
      partition: digitsAt(text, partitionAt + PARTITION.length),
      offset: digitsAt(text, offsetAt)
    })
    at = offsetAt
  }
  if (answers++ % 64 === 0) {
    const parsed = JSON.parse(text) as unknown[]
    if (!Array.isArray(parsed) || parsed.length !== out.length)
      throw new Error(`the scan found ${out.length} records where the answer holds ${parsed.length}`)
  }
  return out
}

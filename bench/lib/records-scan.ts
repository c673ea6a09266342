// The consume load generator's reading of a v2 records answer. It shares 2 cores with the proxy, so it does not
// JSON.parse every ~2 MB answer (that cost it more CPU than the proxy spent writing it): a regular expression
// picks each record's value, partition and offset in order, and every 64th answer is also parsed whole, checking
// that it is JSON and that the scan saw every record. Values are checked by shape: a base64 string of the
// expected length (binary), an object (json, avro).

export interface ScannedRecord {
  partition: number
  offset: number
  /** The value's JSON text. */
  value: string
}

// `"value":<value>,"partition":<n>,"offset":<n>}` at the end of each record: our values never hold that text.
const recordTail = /"value":(null|"[^"]*"|[[{].*?),"partition":(\d+),"offset":(\d+)\}/g
let answers = 0

export function scanRecords(text: string): ScannedRecord[] {
  const out: ScannedRecord[] = []
  for (const match of text.matchAll(recordTail))
    out.push({ value: match[1], partition: Number(match[2]), offset: Number(match[3]) })
  if (answers++ % 64 === 0) {
    const parsed = JSON.parse(text) as unknown[]
    if (!Array.isArray(parsed) || parsed.length !== out.length)
      throw new Error(`the scan found ${out.length} records where the answer holds ${parsed.length}`)
  }
  return out
}

// The records of one producer send packed into one buffer, to cross from the HTTP thread to the producer thread
// (kafka/producer-thread.ts) as a single transferred ArrayBuffer instead of thousands of cloned objects.
// Per record: u16 topic index, i32 partition, f64 timestamp, the key and the value (i32 length, -1 = null, then
// the bytes), u16 header count, and per header its name and value the same way. Unpacked records view the
// buffer: no copy on the producer side.

export interface PackedRecord {
  topic: string
  partition: number
  key: Buffer | null
  value: Buffer | null
  headers: [Buffer, Buffer | null][] | undefined
  timestamp: number
}

const fixedBytes = 2 + 4 + 8 + 4 + 4 + 2

/** The bytes `record` takes in a pack. */
export function packedSize(record: PackedRecord): number {
  let size = fixedBytes + (record.key?.length ?? 0) + (record.value?.length ?? 0)
  if (record.headers) for (const [name, value] of record.headers) size += 8 + name.length + (value?.length ?? 0)
  return size
}

/** Packs `records` (whose packed sizes add up to `bytes`) into a buffer of its own, ready to transfer. */
export function pack(records: readonly PackedRecord[], bytes: number): { topics: string[]; buffer: ArrayBuffer } {
  const buffer = Buffer.allocUnsafeSlow(bytes)
  const topics: string[] = []
  let lastTopic = ''
  let topicIndex = -1
  let at = 0
  const bytesOf = (data: Buffer | null) => {
    if (data === null) {
      buffer.writeInt32LE(-1, at)
      at += 4
    } else {
      buffer.writeInt32LE(data.length, at)
      at += 4
      at += data.copy(buffer, at)
    }
  }
  for (const record of records) {
    if (record.topic !== lastTopic || topicIndex < 0) {
      lastTopic = record.topic
      topicIndex = topics.indexOf(lastTopic)
      if (topicIndex < 0) topicIndex = topics.push(lastTopic) - 1
    }
    buffer.writeUInt16LE(topicIndex, at)
    buffer.writeInt32LE(record.partition, at + 2)
    buffer.writeDoubleLE(record.timestamp, at + 6)
    at += 14
    bytesOf(record.key)
    bytesOf(record.value)
    const headers = record.headers ?? []
    buffer.writeUInt16LE(headers.length, at)
    at += 2
    for (const [name, value] of headers) {
      bytesOf(name)
      bytesOf(value)
    }
  }
  if (at !== bytes) throw new Error(`record pack: wrote ${at} bytes, expected ${bytes}`)
  return { topics, buffer: buffer.buffer }
}

/** The records of a pack, viewing its buffer. */
export function unpack(topics: readonly string[], data: ArrayBuffer): PackedRecord[] {
  const buffer = Buffer.from(data)
  const records: PackedRecord[] = []
  let at = 0
  const bytesOf = (): Buffer | null => {
    const length = buffer.readInt32LE(at)
    at += 4
    if (length < 0) return null
    at += length
    return buffer.subarray(at - length, at)
  }
  while (at < buffer.length) {
    const topic = topics[buffer.readUInt16LE(at)]
    const partition = buffer.readInt32LE(at + 2)
    const timestamp = buffer.readDoubleLE(at + 6)
    at += 14
    const key = bytesOf()
    const value = bytesOf()
    const count = buffer.readUInt16LE(at)
    at += 2
    let headers: [Buffer, Buffer | null][] | undefined
    if (count > 0) {
      headers = []
      for (let i = 0; i < count; i++) headers.push([bytesOf()!, bytesOf()])
    }
    records.push({ topic, partition, key, value, headers, timestamp })
  }
  return records
}

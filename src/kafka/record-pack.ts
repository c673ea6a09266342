// The records of one producer send, already in Kafka's record format, packed into one buffer that crosses from
// the HTTP thread to the producer thread (kafka/producer-thread.ts) as a single transferred ArrayBuffer. The
// records are grouped into one run per topic partition, each run being the records part of a v2 record batch
// (offset deltas counted within the run, timestamp deltas from its first record), so the producer thread only
// puts a batch header in front of each run (produce-api.ts): no record is turned into objects or encoded again.
// Run layout: u16 topic index, i32 partition, i32 record count, f64 first timestamp, f64 max timestamp,
// i32 byte length, then the records.

export interface PackedRecord {
  topic: string
  partition: number
  key: Buffer | null
  value: Buffer | null
  headers: [Buffer, Buffer | null][] | undefined
  timestamp: number
}

/** One partition's records of a pack, as the records part of a record batch. */
export interface RecordRun {
  topic: string
  partition: number
  count: number
  firstTimestamp: number
  maxTimestamp: number
  records: Buffer
}

const runHeaderBytes = 2 + 4 + 4 + 8 + 8 + 4
// Length, attributes, timestamp delta (varlong), offset delta, key and value lengths, header count.
const recordFixedBytes = 5 + 1 + 10 + 5 + 5 + 5 + 5

/** At most the bytes `record` takes in a pack (every record may open a run of its own). */
export function packedSize(record: PackedRecord): number {
  let size = runHeaderBytes + recordFixedBytes + (record.key?.length ?? 0) + (record.value?.length ?? 0)
  if (record.headers) for (const [name, value] of record.headers) size += 10 + name.length + (value?.length ?? 0)
  return size
}

const zigzag32 = (n: number) => ((n << 1) ^ (n >> 31)) >>> 0

function varIntSize(z: number): number {
  let size = 1
  while (z >= 0x80) {
    z = Math.floor(z / 128)
    size++
  }
  return size
}

const bytesSize = (data: Buffer | null) => (data === null ? 1 : varIntSize(zigzag32(data.length)) + data.length)

/**
 * Packs `records` (whose packedSize add up to `bytes`) into a buffer of its own, ready to transfer; `length` is
 * the part of it in use. Records keep their order within each partition.
 */
export function pack(
  records: readonly PackedRecord[],
  bytes: number
): { topics: string[]; buffer: ArrayBuffer; length: number } {
  const buffer = Buffer.allocUnsafeSlow(bytes)
  const topics: string[] = []
  let at = 0

  const writeVarInt = (z: number) => {
    while (z >= 0x80) {
      buffer[at++] = (z & 0x7f) | 0x80
      z = Math.floor(z / 128)
    }
    buffer[at++] = z
  }
  const writeBytes = (data: Buffer | null) => {
    if (data === null) {
      buffer[at++] = 1 // zigzag(-1)
      return
    }
    writeVarInt(zigzag32(data.length))
    at += data.copy(buffer, at)
  }

  for (const [topic, partitions] of byPartition(records)) {
    const topicIndex = topics.push(topic) - 1
    for (const run of partitions.values()) {
      const runStart = at
      const first = run[0].timestamp
      let max = first
      at += runHeaderBytes
      for (let i = 0; i < run.length; i++) {
        const { key, value, headers, timestamp } = run[i]
        if (timestamp > max) max = timestamp
        const delta = timestamp - first
        // Timestamps are milliseconds: a delta beyond 2^52 (142,000 years) takes the exact BigInt path.
        const exact = Math.abs(delta) < 2 ** 52
        const deltaZ = exact ? (delta >= 0 ? delta * 2 : -delta * 2 - 1) : 0
        const bigDelta = exact ? undefined : bigVarLong(BigInt(delta))
        const deltaSize = bigDelta ? bigDelta.length : varIntSize(deltaZ)
        let size = 1 + deltaSize + varIntSize(zigzag32(i)) + bytesSize(key) + bytesSize(value)
        const headerCount = headers?.length ?? 0
        size += varIntSize(zigzag32(headerCount))
        for (let h = 0; h < headerCount; h++) size += bytesSize(headers![h][0]) + bytesSize(headers![h][1])
        writeVarInt(zigzag32(size))
        buffer[at++] = 0 // attributes
        if (bigDelta) at += bigDelta.copy(buffer, at)
        else writeVarInt(deltaZ)
        writeVarInt(zigzag32(i))
        writeBytes(key)
        writeBytes(value)
        writeVarInt(zigzag32(headerCount))
        for (let h = 0; h < headerCount; h++) {
          writeBytes(headers![h][0])
          writeBytes(headers![h][1])
        }
      }
      buffer.writeUInt16LE(topicIndex, runStart)
      buffer.writeInt32LE(run[0].partition, runStart + 2)
      buffer.writeInt32LE(run.length, runStart + 6)
      buffer.writeDoubleLE(first, runStart + 10)
      buffer.writeDoubleLE(max, runStart + 18)
      buffer.writeInt32LE(at - runStart - runHeaderBytes, runStart + 26)
    }
  }
  if (at > bytes) throw new Error(`record pack: wrote ${at} bytes, more than the ${bytes} announced`)
  return { topics, buffer: buffer.buffer, length: at }
}

// The records grouped by topic, then partition, in order; most sends hold one run.
function byPartition(records: readonly PackedRecord[]): Map<string, Map<number, PackedRecord[]>> {
  const topics = new Map<string, Map<number, PackedRecord[]>>()
  let lastTopic: string | undefined
  let lastPartition = -1
  let lastRun: PackedRecord[] = []
  for (const record of records) {
    if (record.topic === lastTopic && record.partition === lastPartition) {
      lastRun.push(record)
      continue
    }
    let partitions = topics.get(record.topic)
    if (!partitions) topics.set(record.topic, (partitions = new Map<number, PackedRecord[]>()))
    let run = partitions.get(record.partition)
    if (!run) partitions.set(record.partition, (run = []))
    run.push(record)
    lastTopic = record.topic
    lastPartition = record.partition
    lastRun = run
  }
  return topics
}

// Zigzag varlong of a delta too large for a double's exact integers.
function bigVarLong(delta: bigint): Buffer {
  let z = delta >= 0n ? delta << 1n : (-delta << 1n) - 1n
  const out: number[] = []
  while (z >= 0x80n) {
    out.push(Number(z & 0x7fn) | 0x80)
    z >>= 7n
  }
  out.push(Number(z))
  return Buffer.from(out)
}

/** The runs of a pack, viewing its buffer. */
export function unpack(topics: readonly string[], data: ArrayBuffer, length: number): RecordRun[] {
  const buffer = Buffer.from(data, 0, length)
  const runs: RecordRun[] = []
  let at = 0
  while (at < length) {
    const size = buffer.readInt32LE(at + 26)
    const start = at + runHeaderBytes
    runs.push({
      topic: topics[buffer.readUInt16LE(at)],
      partition: buffer.readInt32LE(at + 2),
      count: buffer.readInt32LE(at + 6),
      firstTimestamp: buffer.readDoubleLE(at + 10),
      maxTimestamp: buffer.readDoubleLE(at + 18),
      records: buffer.subarray(start, start + size)
    })
    at = start + size
  }
  return runs
}

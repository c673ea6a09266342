// Plain data of v2 consumer instances, shared by the kafka, services, serde and http layers.

export interface TopicPartition {
  topic: string
  partition: number
}

/**
 * A consumed record, as a view into the bytes it arrived in (serde/record-view.ts reads its key, value and
 * headers): `data` holds the key at `keyStart` and the value at `valueStart`; a length of -1 is null. Offsets and
 * timestamps are numbers (exact up to 2^53). A reader reuses one view for every record: keep nothing of it.
 */
export interface ConsumedRecord {
  topic: string
  partition: number
  offset: number
  timestamp: number
  data: Buffer
  keyStart: number
  keyLength: number
  valueStart: number
  valueLength: number
  headersStart: number
  headerCount: number
}

/**
 * Thrown by a record encoder that cannot encode a record yet, e.g. while the schema its bytes name is being
 * fetched: the read stops before that record (it stays buffered, nothing after it in its partition is taken),
 * waits for `ready` (which never rejects), and tries it again. The encoders are synchronous; this is how they wait.
 */
export class RecordPending extends Error {
  readonly ready: Promise<void>
  constructor(ready: Promise<void>) {
    super('record pending')
    this.name = 'RecordPending'
    this.ready = ready
  }
}

/** Where a read puts the records it takes, one by one. */
export interface RecordSink {
  /** Records added so far. */
  readonly count: number
  /** Adds a record; when it throws (the record is refused, or RecordPending) the sink is as it was before. */
  add(record: ConsumedRecord): void
}

export interface PartitionOffset extends TopicPartition {
  offset: bigint
  metadata?: string | null
}

export interface CommittedOffset extends TopicPartition {
  offset: bigint
  metadata: string
}

export interface PartitionTimestamp extends TopicPartition {
  timestamp: bigint
}

export type OffsetReset = 'earliest' | 'latest' | 'none'

// Either a list of topic names or a (Java-syntax, whole-name) pattern.
export type Subscription = { topics: string[] } | { pattern: string }

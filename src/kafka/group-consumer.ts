// One v2 consumer instance's Kafka side: group membership (subscribe) or manual assignment, a fetch position per
// partition, a small buffer of fetched records, and commits. Built on the client's low-level fetch() and group
// APIs (it has no assign/seek): reads return as soon as records are buffered, and fetches are long polls, so a
// record produced while a read waits is answered at once instead of after the full timeout.
//
// Memory: a partition is fetched again only once less than half of max.partition.fetch.bytes is left in its
// buffer, so each partition holds at most about one and a half responses' records, and an idle instance (whose
// reads drain nothing) no more than that per partition.
import { ConnectionPool, Consumer, FetchIsolationLevels } from '@platformatic/kafka'
import { type ConsumerTuningSettings, type KafkaClientSettings } from '../config/client-options.ts'
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import {
  type OffsetReset,
  type PartitionOffset,
  type PartitionTimestamp,
  type RecordSink,
  type Subscription,
  type TopicPartition
} from '../model/consumer.ts'
import { toRestError, withDeadline } from './errors.ts'
import { useLeanFetch } from './fetch-api.ts'
import { type FetchedPartition } from './fetched-records.ts'
import { commitOffsets, fetchCommitted } from './group-offsets.ts'
import {
  applyFetched,
  drain,
  fetchRequest,
  keyOf,
  moveTo,
  newState,
  partitionsOption,
  type PartitionState
} from './partition-state.ts'
import { rangeAssign } from './range-assignor.ts'

export interface GroupConsumerOptions {
  client: KafkaClientSettings
  groupId: string
  clientId: string
  autoOffsetReset: OffsetReset
  autoCommit: boolean
  tuning: ConsumerTuningSettings
  operationTimeoutMs: number
  // All topic names of the cluster (for patterns and for subscriptions to topics that do not exist yet).
  topicNames: () => Promise<string[]>
  onError: (error: unknown, what: string) => void
}

/** Records taken by readAhead() into `out` (`bytes` of keys and values), not yet handed to a client. */
export interface Ahead<S extends RecordSink> {
  out: S
  bytes: number
  moved: AheadMove[]
}

interface AheadMove {
  state: PartitionState
  epoch: number
  // The position before the records taken ahead, and after them.
  before: bigint
  after: bigint
}

export interface ReadLimits {
  maxBytes: number
  minBytes: number
  timeoutMs: number
}

// A broker answers an empty long poll after this long at most, so a seek or a new assignment waits no longer
// than this for the fetch that was already in flight.
const maxFetchWaitMs = 500
const resyncMs = 5000
const illegalState = (message: string) => new RestError(errors.illegalState, `Illegal state: ${message}`)
const mutuallyExclusive = 'Subscription to topics, partitions and pattern are mutually exclusive'

export class GroupConsumer {
  readonly #consumer: Consumer
  // Fetches are long polls; on the group coordinator's connection they would hold up commits and heartbeats
  // behind them (a broker answers one connection's requests in order), so they get connections of their own.
  readonly #fetchPool: ConnectionPool
  readonly #options: GroupConsumerOptions
  readonly #join: Record<string, unknown>
  #mode: 'none' | 'subscribed' | 'assigned' = 'none'
  #subscription: Subscription | undefined
  #pattern: RegExp | undefined
  #partitions = new Map<string, PartitionState>()
  #inflight = new Set<number>()
  #planning = false
  #cursor = 0
  #error: { error: unknown; seq: number } | undefined
  #errorSeq = 0
  #waiters = Promise.withResolvers<void>()
  #syncing = false
  #resync: NodeJS.Timeout | undefined
  #autoCommit: NodeJS.Timeout | undefined
  #closed = false
  // The max_bytes of the last read.
  #readBytes = Infinity

  constructor(options: GroupConsumerOptions) {
    this.#options = options
    const { tuning } = options
    const clientOptions = {
      timeout: 10000,
      connectTimeout: 3000,
      retries: 2,
      retryDelay: 200,
      metadataMaxAge: 5000,
      ...options.client,
      clientId: options.clientId,
      groupId: options.groupId,
      autocommit: false,
      isolationLevel: tuning.readCommitted ? FetchIsolationLevels.READ_COMMITTED : FetchIsolationLevels.READ_UNCOMMITTED
    }
    this.#consumer = new Consumer(clientOptions)
    useLeanFetch(this.#consumer)
    this.#fetchPool = new ConnectionPool(options.clientId, clientOptions)
    this.#join = {
      sessionTimeout: tuning.sessionTimeoutMs,
      rebalanceTimeout: tuning.rebalanceTimeoutMs,
      heartbeatInterval: tuning.heartbeatIntervalMs,
      // range first (Java consumers' default); roundrobin too, the default of @platformatic/kafka consumers.
      protocols: [
        { name: 'range', version: 1 },
        { name: 'roundrobin', version: 1 }
      ],
      partitionAssigner: (
        _self: string,
        members: Map<string, { topics: string[] }>,
        _topics: Set<string>,
        metadata: { topics: Map<string, { partitionsCount: number }> }
      ) => rangeAssign(members, topic => metadata.topics.get(topic)?.partitionsCount)
    }
    this.#consumer.on('consumer:group:join', (event: { assignments: { topic: string; partitions: number[] }[] }) => {
      if (this.#mode !== 'subscribed') return
      this.#setPartitions(
        event.assignments.flatMap(a => a.partitions.map(partition => ({ topic: a.topic, partition })))
      )
    })
    if (options.autoCommit) {
      this.#autoCommit = setInterval(() => void this.#commitConsumed('auto-commit'), tuning.autoCommitIntervalMs)
      this.#autoCommit.unref()
    }
  }

  // --- subscription and assignment ---

  subscribe(subscription: Subscription): void {
    if (this.#mode === 'assigned') throw illegalState(mutuallyExclusive)
    this.#mode = 'subscribed'
    this.#subscription = subscription
    // Java's Pattern.matches(): the whole topic name must match.
    this.#pattern = 'pattern' in subscription ? new RegExp(`^(?:${subscription.pattern})$`) : undefined
    void this.#syncSubscription()
  }

  subscription(): string[] {
    if (!this.#subscription) return []
    return 'topics' in this.#subscription ? [...this.#subscription.topics] : [...this.#consumer.topics.current]
  }

  async unsubscribe(): Promise<void> {
    if (this.#mode !== 'subscribed') return
    this.#mode = 'none'
    this.#subscription = this.#pattern = undefined
    clearTimeout(this.#resync)
    this.#setPartitions([])
    this.#consumer.topics.clear()
    if (this.#consumer.memberId) await this.#bounded('leave group', () => this.#leave())
  }

  assign(partitions: TopicPartition[]): void {
    if (this.#mode === 'subscribed') throw illegalState(mutuallyExclusive)
    this.#mode = partitions.length > 0 ? 'assigned' : 'none'
    this.#consumer.topics.clear()
    this.#consumer.topics.trackAll(...new Set(partitions.map(p => p.topic)))
    this.#setPartitions(partitions)
  }

  assignment(): TopicPartition[] {
    return [...this.#partitions.values()].map(({ topic, partition }) => ({ topic, partition }))
  }

  async #syncSubscription(): Promise<void> {
    if (this.#syncing || this.#closed) return
    this.#syncing = true
    clearTimeout(this.#resync)
    let complete = true
    try {
      const subscription = this.#subscription
      if (!subscription) return
      const existing = await this.#bounded('list topics', this.#options.topicNames)
      const wanted =
        'topics' in subscription
          ? subscription.topics.filter(t => existing.includes(t))
          : existing.filter(t => !t.startsWith('__') && this.#pattern!.test(t))
      complete = this.#pattern === undefined && 'topics' in subscription && wanted.length === subscription.topics.length
      if (this.#subscription !== subscription) return
      const current = this.#consumer.topics.current
      const changed = wanted.length !== current.length || wanted.some(t => !current.includes(t))
      if (changed) {
        this.#consumer.topics.clear()
        this.#consumer.topics.trackAll(...wanted)
      }
      if (wanted.length === 0) {
        if (this.#consumer.memberId) await this.#bounded('leave group', () => this.#leave())
        this.#setPartitions([])
      } else if (changed || !this.#consumer.memberId) {
        await this.#consumer.joinGroup({ ...this.#join })
      }
    } catch (error) {
      complete = false
      this.#fail(error, 'join group')
    } finally {
      this.#syncing = false
      // Patterns, topics that do not exist yet and failed joins are looked at again later.
      if (!complete && this.#mode === 'subscribed' && !this.#closed) {
        this.#resync = setTimeout(() => void this.#syncSubscription(), resyncMs)
        this.#resync.unref()
      }
    }
  }

  #setPartitions(partitions: TopicPartition[]): void {
    const next = new Map<string, PartitionState>()
    for (const { topic, partition } of partitions) {
      const key = keyOf(topic, partition)
      next.set(key, this.#partitions.get(key) ?? newState(topic, partition, key))
    }
    const revoked = [...this.#partitions.values()].filter(s => !next.has(s.key))
    this.#partitions = next
    if (this.#options.autoCommit && revoked.length > 0) void this.#commitStates(revoked, 'commit revoked partitions')
    this.#signal()
  }

  // --- positions ---

  seek(offsets: PartitionOffset[]): void {
    const states = offsets.map(o => this.#assigned(o))
    states.forEach((state, i) => moveTo(state, offsets[i].offset))
    this.#signal()
  }

  async seekToTimestamps(timestamps: PartitionTimestamp[]): Promise<void> {
    timestamps.forEach(t => this.#assigned(t))
    const byTimestamp = new Map<bigint, PartitionTimestamp[]>()
    for (const t of timestamps) byTimestamp.set(t.timestamp, [...(byTimestamp.get(t.timestamp) ?? []), t])
    const targets: PartitionOffset[] = []
    for (const [timestamp, list] of byTimestamp) {
      const found = await this.#bounded('list offsets', () =>
        this.#consumer.listOffsetsWithTimestamps({ ...partitionsOption(list), timestamp })
      )
      const missing: TopicPartition[] = []
      for (const p of list) {
        const offset = found.get(p.topic)?.get(p.partition)?.offset ?? -1n
        if (offset >= 0n) targets.push({ ...p, offset })
        else missing.push(p)
      }
      // Nothing at or after the timestamp: read from the end, where the next record will be.
      if (missing.length > 0) targets.push(...(await this.#listOffsets(missing, -1n)))
    }
    this.seek(targets)
  }

  async seekToEdge(partitions: TopicPartition[], edge: 'beginning' | 'end'): Promise<void> {
    partitions.forEach(p => this.#assigned(p))
    this.seek(await this.#listOffsets(partitions, edge === 'beginning' ? -2n : -1n))
  }

  #assigned(tp: TopicPartition): PartitionState {
    const state = this.#partitions.get(keyOf(tp.topic, tp.partition))
    if (!state) throw illegalState(`No current assignment for partition ${tp.topic}-${tp.partition}`)
    return state
  }

  async #listOffsets(partitions: TopicPartition[], timestamp: bigint): Promise<PartitionOffset[]> {
    if (partitions.length === 0) return []
    const found = await this.#bounded('list offsets', () =>
      this.#consumer.listOffsets({ ...partitionsOption(partitions), timestamp })
    )
    return partitions.map(p => ({ ...p, offset: found.get(p.topic)?.[p.partition] ?? 0n }))
  }

  // Partitions without a position start at the group's committed offset, else where auto.offset.reset says.
  async #resolve(states: PartitionState[]): Promise<void> {
    for (const s of states) s.resolving = true
    const epochs = states.map(s => s.epoch)
    try {
      const lookup = states.filter(s => !s.outOfRange)
      const committed = new Map(
        (await this.#bounded('fetch committed offsets', () => fetchCommitted(this.#consumer, lookup))).map(c => [
          keyOf(c.topic, c.partition),
          c.offset
        ])
      )
      const unset = states.filter((s, i) => s.epoch === epochs[i] && s.fetchOffset === undefined)
      const toReset: PartitionState[] = []
      for (const s of unset) {
        const offset = s.outOfRange ? undefined : committed.get(s.key)
        if (offset === undefined) toReset.push(s)
        else s.fetchOffset = s.consumed = s.committed = offset
      }
      if (toReset.length === 0) return
      const policy = this.#options.autoOffsetReset
      if (policy === 'none') {
        for (const s of toReset) {
          s.error = new RestError(
            errors.kafka,
            `Undefined offset with no reset policy for partition: ${s.topic}-${s.partition}`
          )
        }
        return
      }
      const offsets = await this.#listOffsets(toReset, policy === 'earliest' ? -2n : -1n)
      toReset.forEach((s, i) => {
        if (s.fetchOffset !== undefined) return
        s.fetchOffset = s.consumed = offsets[i].offset
        s.outOfRange = false
      })
    } catch (error) {
      this.#fail(error, 'look up positions')
    } finally {
      for (const s of states) s.resolving = false
      this.#signal()
    }
  }

  // --- reading ---

  // Records added to `out` (which may throw to refuse one: a refused first record fails the read and stays
  // buffered; a refused later one ends the read before it). Returns as soon as `minBytes` are taken, when the
  // next record would pass `maxBytes`, or at the timeout. When `out` cannot take a record yet (RecordPending: its
  // schema is being fetched), the read waits for it, up to its timeout, and drains again from that record.
  // `taken`: the key+value bytes `out` holds already (records of a resumed Ahead). Answers whether the read ended
  // full: the next record would have passed `maxBytes`.
  async read(limits: ReadLimits, out: RecordSink, taken = 0): Promise<boolean> {
    const deadline = Date.now() + limits.timeoutMs
    const since = this.#errorSeq
    this.#readBytes = limits.maxBytes
    let bytes = taken
    let full = false
    for (;;) {
      const drained = drain(this.#ordered(), out, limits.maxBytes - bytes)
      bytes += drained.bytes
      full = drained.full
      if (full || (out.count > 0 && bytes >= limits.minBytes)) break
      if (out.count === 0) this.#throwIfFailed(since)
      const remaining = deadline - Date.now()
      if (remaining <= 0) break
      this.#pump(Math.min(remaining, maxFetchWaitMs))
      await this.#within(drained.pending ?? this.#waiters.promise, remaining)
      if (this.#closed) break
    }
    // Fetch ahead while the client handles this answer.
    this.#pump(maxFetchWaitMs)
    return full
  }

  // Takes the records already buffered into `out` ahead of the next read (up to `maxBytes`), so that read can
  // answer at once: while a client handles one answer, the next is made. Until resume() hands them out, the
  // positions stay where the last read left them, so commits (auto, on revocation, on close, "everything
  // consumed") see only records a client was given. undefined when nothing was taken.
  readAhead<S extends RecordSink>(out: S, maxBytes: number): Ahead<S> | undefined {
    if (this.#closed) return undefined
    const states = this.#ordered()
    const before = states.map(s => s.consumed)
    let bytes
    try {
      bytes = drain(states, out, maxBytes).bytes
    } catch {
      return undefined // a refused first record: the next read meets it and answers its error
    }
    const moved: AheadMove[] = []
    states.forEach((state, i) => {
      if (state.consumed === before[i]) return
      moved.push({ state, epoch: state.epoch, before: before[i]!, after: state.consumed! })
      state.consumed = before[i]
    })
    this.#pump(maxFetchWaitMs)
    return moved.length > 0 ? { out, bytes, moved } : undefined
  }

  // Hands the records of `ahead` out (true): their positions move on as a read's would. When a seek, an
  // assignment, a rebalance or a reset moved one of their partitions meanwhile, or they pass `maxBytes`, the
  // records are put back instead (false; see drop).
  resume(ahead: Ahead<RecordSink>, maxBytes: number): boolean {
    if (this.#closed || ahead.bytes > maxBytes || !ahead.moved.every(m => this.#unmoved(m))) {
      this.drop(ahead)
      return false
    }
    for (const m of ahead.moved) m.state.consumed = m.after
    return true
  }

  // Puts the records of `ahead` back: their partitions (those nothing else has moved) are read again from where
  // the last read left them, fetched anew.
  drop(ahead: Ahead<RecordSink>): void {
    for (const m of ahead.moved) if (this.#unmoved(m)) moveTo(m.state, m.before)
    this.#signal()
  }

  #unmoved(m: AheadMove): boolean {
    return this.#partitions.get(m.state.key) === m.state && m.state.epoch === m.epoch && m.state.consumed === m.before
  }

  // A different partition first on every read, so one busy partition cannot starve the others.
  #ordered(): PartitionState[] {
    const states = [...this.#partitions.values()]
    this.#cursor = (this.#cursor + 1) % Math.max(states.length, 1)
    return [...states.slice(this.#cursor), ...states.slice(0, this.#cursor)]
  }

  #throwIfFailed(since: number): void {
    for (const s of this.#partitions.values()) if (s.error) throw s.error
    if (this.#error && this.#error.seq > since) throw toRestError(this.#error.error, 'read records')
  }

  // Waits for `event` (a fetch, assignment or seek signalling; a pending record's schema), at most `ms`.
  #within(event: Promise<void>, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<void>(resolve => (timer = setTimeout(resolve, ms)))
    return Promise.race([event, timeout]).finally(() => clearTimeout(timer))
  }

  #signal(): void {
    this.#waiters.resolve()
    this.#waiters = Promise.withResolvers<void>()
  }

  #fail(error: unknown, what: string): void {
    if (this.#closed) return
    this.#error = { error, seq: ++this.#errorSeq }
    this.#options.onError(error, what)
    this.#signal()
  }

  // Starts position lookups and fetches for every partition that needs one; never waits for them. A fetch is a
  // long poll only when nothing is buffered: while records wait to be read, the other partitions are polled
  // without waiting, so no long poll can hold the broker's connection when a buffer runs dry.
  #pump(maxWaitMs: number): void {
    if (this.#closed) return
    const unresolved: PartitionState[] = []
    let buffered = false
    let ready = false
    for (const s of this.#partitions.values()) {
      if (s.error) continue
      if (s.fetchOffset === undefined) {
        if (!s.resolving) unresolved.push(s)
      } else {
        if (!s.buffered.empty) buffered = true
        if (this.#wantsFetch(s)) ready = true
      }
    }
    if (unresolved.length > 0) void this.#resolve(unresolved)
    if (ready && !this.#planning) void this.#fetchReady(buffered ? 0 : maxWaitMs)
  }

  // A partition is fetched again once less than half of max.partition.fetch.bytes, and less than the last read
  // took at most, is left in its buffer: the next response is on its way while the last one is read (with 1 KiB
  // records and max_bytes of 1 MiB one response is about one read), and no sooner than the next read may need it.
  #wantsFetch(s: PartitionState): boolean {
    return s.buffered.bytes < Math.min(this.#options.tuning.partitionMaxBytes / 2, this.#readBytes)
  }

  async #fetchReady(maxWaitMs: number): Promise<void> {
    this.#planning = true
    try {
      const topics = [...new Set([...this.#partitions.values()].map(s => s.topic))]
      const metadata = await this.#consumer.metadata({ topics })
      // Chosen after the metadata wait: a fetch that completed meanwhile may have filled a buffer.
      const ready = [...this.#partitions.values()].filter(
        s => !s.error && s.fetchOffset !== undefined && this.#wantsFetch(s)
      )
      const byNode = new Map<number, PartitionState[]>()
      for (const s of ready) {
        const leader = metadata.topics.get(s.topic)?.partitions[s.partition]?.leader
        if (leader === undefined || leader < 0 || this.#inflight.has(leader)) continue
        byNode.set(leader, [...(byNode.get(leader) ?? []), s])
      }
      for (const [node, states] of byNode) {
        this.#inflight.add(node)
        void this.#fetchFrom(node, states, metadata.topics, maxWaitMs).finally(() => {
          this.#inflight.delete(node)
          this.#signal()
        })
      }
    } catch (error) {
      this.#fail(error, 'read metadata')
    } finally {
      this.#planning = false
    }
  }

  async #fetchFrom(
    node: number,
    states: PartitionState[],
    topics: Map<string, { id: string }>,
    maxWaitMs: number
  ): Promise<void> {
    const { request, names, requested } = fetchRequest(states, topics, this.#options.tuning.partitionMaxBytes)
    // Parsed by fetch-api.ts: records stay encoded.
    type Response = { responses: { topicId: string; partitions: FetchedPartition[] }[] }
    let response: Response
    try {
      response = (await this.#consumer.fetch({
        node,
        topics: request as never,
        maxWaitTime: maxWaitMs,
        minBytes: 1,
        maxBytes: this.#options.tuning.fetchMaxBytes,
        connectionPool: this.#fetchPool
      })) as unknown as Response
    } catch (error) {
      // Partition-level errors arrive as an error that still carries the response.
      const partial = (error as { response?: Response }).response
      if (!partial?.responses) return this.#fail(error, 'fetch')
      response = partial
    }
    const outcome = applyFetched(response.responses, names, requested, this.#partitions)
    if (outcome.staleMetadata) this.#consumer.clearMetadata()
    for (const error of outcome.errors) this.#fail(error, 'fetch')
  }

  // --- offsets ---

  async commit(offsets?: PartitionOffset[]): Promise<void> {
    if (offsets) return this.#commit(offsets)
    await this.#commitStates([...this.#partitions.values()])
  }

  committed(partitions: TopicPartition[]) {
    return this.#bounded('fetch committed offsets', () => fetchCommitted(this.#consumer, partitions))
  }

  async #commitStates(states: PartitionState[], quietly?: string): Promise<void> {
    const positions = states.filter(s => s.consumed !== undefined)
    const offsets = positions.map(s => ({ topic: s.topic, partition: s.partition, offset: s.consumed! }))
    try {
      await this.#commit(offsets)
      positions.forEach((s, i) => (s.committed = offsets[i].offset))
    } catch (error) {
      if (!quietly) throw error
      this.#options.onError(error, quietly)
    }
  }

  #commitConsumed(what: string): Promise<void> {
    const changed = [...this.#partitions.values()].filter(s => s.consumed !== undefined && s.consumed !== s.committed)
    return changed.length > 0 ? this.#commitStates(changed, what) : Promise.resolve()
  }

  #commit(offsets: PartitionOffset[]): Promise<void> {
    const member =
      this.#mode === 'subscribed' && this.#consumer.memberId
        ? { generationId: this.#consumer.generationId, memberId: this.#consumer.memberId }
        : { generationId: -1, memberId: '' }
    return this.#bounded('commit offsets', () => commitOffsets(this.#consumer, member, offsets))
  }

  // --- lifecycle ---

  async close(): Promise<void> {
    if (this.#closed) return
    clearInterval(this.#autoCommit)
    if (this.#options.autoCommit) await this.#commitConsumed('commit on close')
    this.#closed = true
    clearTimeout(this.#resync)
    this.#signal()
    this.#fetchPool.close(() => undefined)
    try {
      await this.#bounded('close consumer', () => this.#consumer.close())
    } catch (error) {
      this.#options.onError(error, 'close consumer')
      await this.#consumer.close(true).catch(() => undefined)
    }
  }

  #leave(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.#consumer.leaveGroup(false, error => (error ? reject(error) : resolve()))
    )
  }

  #bounded<T>(what: string, operation: () => Promise<T>): Promise<T> {
    return withDeadline(Promise.resolve().then(operation), this.#options.operationTimeoutMs, what)
  }
}

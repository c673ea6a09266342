// The producer thread: owns the Kafka Producers, so batch headers, checksums, compression and the broker round
// trips run beside the HTTP thread rather than on it. It receives records packed in Kafka's format
// (record-pack.ts), sends each partition's run as one batch (produce-api.ts) and answers each send with its
// offsets, or with what failed (per partition where Kafka says so).
// Errors cross back as plain {code, status, message}: producer-thread.ts turns them into RestErrors again.
import { parentPort, workerData } from 'node:worker_threads'
import { Producer, ProduceAcks } from '@platformatic/kafka'
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { raceDeadline, toRestError, withDeadline } from './errors.ts'
import {
  type PartitionOffset,
  type PlainError,
  type ProducerReply,
  type ProducerRequest,
  type ThreadSettings
} from './producer-thread.ts'
import { runMessage, type RunMessage, useRecordRuns } from './produce-api.ts'
import { unpack } from './record-pack.ts'

const { settings, tuning } = workerData as ThreadSettings
const { noHostnameCheck, ...tls } = settings.tls ?? {}

// A small pool: the client keeps one request in flight per connection for an idempotent producer, so one
// producer serializes every send behind the previous broker round trip. Each partition always goes through the
// same producer (partition number modulo the pool size), which keeps its records in order.
const producers = Array.from(
  { length: tuning.poolSize },
  () =>
    new Producer({
      timeout: 15000,
      connectTimeout: 3000,
      retries: 3,
      retryDelay: 100,
      metadataMaxAge: 30000,
      ...settings,
      ...(settings.tls ? { tls: noHostnameCheck ? { ...tls, checkServerIdentity: () => undefined } : tls } : {}),
      acks: tuning.acks === -1 ? ProduceAcks.ALL : tuning.acks === 1 ? ProduceAcks.LEADER : ProduceAcks.NO_RESPONSE,
      idempotent: tuning.idempotent,
      compression: tuning.compression,
      autocreateTopics: true
    })
)
for (const producer of producers) useRecordRuns(producer)

const port = parentPort!
const reply = (message: ProducerReply) => port.postMessage(message)
const plain = (error: RestError): PlainError => ({
  code: error.errorCode,
  status: error.status,
  message: error.message
})

port.on('message', (request: ProducerRequest) => {
  if (request.op === 'send') send(request.id, request.topics, request.buffer, request.length)
  else if (request.op === 'metadata') void partitions(request.id, request.topic)
  else
    void Promise.allSettled(producers.map(p => p.close())).finally(() => {
      reply({ id: request.id, closed: true })
      port.close()
    })
})

type Messages = Parameters<Producer['send']>[0]['messages']
type Outcome = { offsets: PartitionOffset[]; failures?: [string, PlainError][] }

function send(id: number, topics: string[], buffer: ArrayBuffer, length: number): void {
  const n = producers.length
  const groups: RunMessage[][] = producers.map(() => [])
  for (const run of unpack(topics, buffer, length)) groups[run.partition % n].push(runMessage(run))
  const sends: Promise<Outcome>[] = []
  groups.forEach((group, i) => {
    if (group.length > 0) sends.push(sendGroup(producers[i], group))
  })
  void Promise.all(sends).then(outcomes => {
    const offsets: PartitionOffset[] = []
    const failures: [string, PlainError][] = []
    for (const outcome of outcomes) {
      offsets.push(...outcome.offsets)
      if (outcome.failures) failures.push(...outcome.failures)
    }
    reply(failures.length > 0 ? { id, offsets, failures } : { id, offsets })
  })
}

// One producer's share of a send; never rejects. A failed send may still have written some partitions: those
// keep their offsets, the others get the error Kafka named for them or the send's error.
async function sendGroup(producer: Producer, messages: Messages): Promise<Outcome> {
  try {
    const result = await raceDeadline(producer.send({ messages }), tuning.deliveryTimeoutMs, 'produce')
    return { offsets: result.offsets ?? [] }
  } catch (error) {
    const offsets = producedBefore(error)
    const named = partitionErrors(error)
    const fallback = toRestError(error, 'produce')
    const written = new Set(offsets.map(o => `${o.partition}:${o.topic}`))
    const failures = new Map<string, PlainError>()
    for (const { topic, partition } of messages) {
      const key = `${partition}:${topic}`
      if (failures.has(key) || (written.has(key) && !named.has(key))) continue
      failures.set(key, plain(named.get(key) ?? fallback))
    }
    return { offsets, failures: [...failures] }
  }
}

// Number of partitions of `topic`; asks the broker to auto-create it (the broker decides, as with the Java
// producer). Unknown topics fail within metadataTimeoutMs.
async function partitions(id: number, topic: string): Promise<void> {
  const ms = tuning.metadataTimeoutMs
  try {
    const metadata = await withDeadline(
      producers[0].metadata({ topics: [topic], autocreateTopics: true }),
      ms,
      'metadata'
    )
    const count = metadata.topics.get(topic)?.partitionsCount
    if (count) {
      reply({ id, count })
      return
    }
  } catch (error) {
    const rest = toRestError(error, 'metadata')
    if (rest.errorCode !== errors.unknownTopicOrPartition.code && !isUnknownTopic(rest.cause)) {
      reply({ id, error: plain(rest) })
      return
    }
  }
  reply({ id, error: plain(new RestError(errors.topicNotFound, `Topic ${topic} not present in metadata after ${ms} ms.`)) }) // prettier-ignore
}

interface ProduceResponseShape {
  responses?: { name: string; partitionResponses: { index: number; errorCode: number; baseOffset: bigint }[] }[]
}

// A failed send may still have written some partitions: destinations that answered fine are in
// `error.produced`, and a broker's partial answer keeps per-partition codes and offsets in its response.
function producedBefore(error: unknown): PartitionOffset[] {
  const produced = (error as { produced?: { offsets?: PartitionOffset[] } }).produced?.offsets ?? []
  const fromResponses: PartitionOffset[] = []
  for (const response of responsesOf(error)) {
    for (const topic of response.responses ?? []) {
      for (const p of topic.partitionResponses) {
        if (p.errorCode === 0) fromResponses.push({ topic: topic.name, partition: p.index, offset: p.baseOffset })
      }
    }
  }
  return [...produced, ...fromResponses]
}

// Per "<partition>:<topic>": the error Kafka named for that partition.
function partitionErrors(error: unknown): Map<string, RestError> {
  const result = new Map<string, RestError>()
  for (const leaf of leavesWithPath(error)) {
    // Protocol errors name their place in the response: /responses/<topic index>/partitionResponses/<i>.
    const match = /\/responses\/(\d+)\/partition_?[rR]esponses\/(\d+)/.exec(leaf.path ?? '')
    const response = leaf.response
    if (!match || !response?.responses) continue
    const topic = response.responses[Number(match[1])]
    const partition = topic?.partitionResponses[Number(match[2])]
    if (topic && partition) result.set(`${partition.index}:${topic.name}`, toRestError(leaf.error, 'produce'))
  }
  return result
}

function* responsesOf(error: unknown): Generator<ProduceResponseShape> {
  if (!(error instanceof Error)) return
  const own = (error as { response?: ProduceResponseShape }).response
  if (own?.responses) yield own
  for (const inner of (error as { errors?: unknown[] }).errors ?? []) yield* responsesOf(inner)
}

function* leavesWithPath(
  error: unknown,
  response?: ProduceResponseShape
): Generator<{ error: Error; path?: string; response?: ProduceResponseShape }> {
  if (!(error instanceof Error)) return
  const own = (error as { response?: ProduceResponseShape }).response
  const nested = (error as { errors?: unknown[] }).errors
  if (nested?.length) {
    for (const inner of nested) yield* leavesWithPath(inner, own?.responses ? own : response)
  } else {
    yield { error, path: (error as { path?: string }).path, response }
  }
}

function isUnknownTopic(error: unknown): boolean {
  return error instanceof Error && /^Unknown topic /.test(error.message)
}

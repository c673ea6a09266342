// The HTTP thread's handle on the producer thread (producer-worker.ts): sends packed records and asks for
// partition counts, one message each way. A thread that dies fails what it had in hand with a 500 and is
// started again on the next call; nothing waits on it for longer than the timeouts it was given.
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { type KafkaClientSettings, type ProducerTuningSettings } from '../config/client-options.ts'
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { pack, type PackedRecord } from './record-pack.ts'

export interface PlainError {
  code: number
  status: number
  message: string
}

export interface PartitionOffset {
  topic: string
  partition: number
  offset: bigint
}

export type ProducerRequest =
  | { op: 'send'; id: number; topics: string[]; buffer: ArrayBuffer; length: number }
  | { op: 'metadata'; id: number; topic: string }
  | { op: 'close'; id: number }

export type ProducerReply =
  | { id: number; offsets: PartitionOffset[]; failures?: [string, PlainError][] }
  | { id: number; count: number }
  | { id: number; error: PlainError }
  | { id: number; closed: true }

/** What a send did: the base offset per partition written, and errors for the rest. */
export interface SendOutcome {
  offsets: PartitionOffset[]
  // Per "<partition>:<topic>": why that partition's records failed.
  failures?: Map<string, RestError>
  // For every record neither written nor named in `failures`.
  fallback?: RestError
}

// Settings as they can cross to the thread: no functions (TLS's hostname check becomes a flag).
export interface ThreadSettings {
  settings: Omit<KafkaClientSettings, 'tls'> & { tls?: Omit<NonNullable<KafkaClientSettings['tls']>, 'checkServerIdentity'> & { noHostnameCheck?: boolean } } // prettier-ignore
  tuning: ProducerTuningSettings
}

const workerFile = new URL(`./producer-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url)
const closeTimeoutMs = 5000
const restError = (e: PlainError) => new RestError({ code: e.code, status: e.status, message: e.message }, e.message)

export class ProducerThread {
  readonly #data: ThreadSettings
  #worker: Worker | undefined
  #nextId = 0
  readonly #waiting = new Map<number, (reply: ProducerReply | undefined) => void>()

  constructor(settings: KafkaClientSettings, tuning: ProducerTuningSettings) {
    const { tls, ...rest } = settings
    let threadTls: ThreadSettings['settings']['tls']
    if (tls) {
      const { checkServerIdentity, ...plain } = tls
      threadTls = checkServerIdentity ? { ...plain, noHostnameCheck: true } : plain
    }
    this.#data = { settings: threadTls ? { ...rest, tls: threadTls } : rest, tuning }
  }

  /** Starts the thread now rather than on the first call (loading the client there takes a moment). */
  start(): void {
    this.#worker ??= this.#start()
  }

  #call(request: ProducerRequest, transfer?: ArrayBuffer[]): Promise<ProducerReply | undefined> {
    const worker = (this.#worker ??= this.#start())
    return new Promise(resolve => {
      this.#waiting.set(request.id, resolve)
      worker.postMessage(request, transfer)
    })
  }

  #start(): Worker {
    const worker = new Worker(workerFile, { workerData: this.#data })
    worker.on('message', (reply: ProducerReply) => {
      const resolve = this.#waiting.get(reply.id)
      this.#waiting.delete(reply.id)
      resolve?.(reply)
    })
    // The thread stopped (a crash, or closed): whatever it had in hand fails; the next call starts another.
    worker.on('error', (error: Error) => process.emitWarning(`The producer thread failed: ${error.message}`))
    worker.on('exit', () => {
      if (this.#worker === worker) this.#worker = undefined
      for (const resolve of this.#waiting.values()) resolve(undefined)
      this.#waiting.clear()
    })
    return worker
  }

  /** Sends `records` (packed sizes adding up to `bytes`); never rejects. */
  async send(records: readonly PackedRecord[], bytes: number): Promise<SendOutcome> {
    const { topics, buffer, length } = pack(records, bytes)
    const reply = await this.#call({ op: 'send', id: this.#nextId++, topics, buffer, length }, [buffer])
    if (!reply || !('offsets' in reply)) return { offsets: [], fallback: stopped() }
    return {
      offsets: reply.offsets,
      failures: reply.failures && new Map(reply.failures.map(([key, e]) => [key, restError(e)]))
    }
  }

  /** The partition count of `topic` (which the broker may auto-create); rejects with a RestError. */
  async partitions(topic: string): Promise<number> {
    const reply = await this.#call({ op: 'metadata', id: this.#nextId++, topic })
    if (reply && 'count' in reply) return reply.count
    throw reply && 'error' in reply ? restError(reply.error) : stopped()
  }

  async close(): Promise<void> {
    const worker = this.#worker
    if (!worker) return
    // The producers close (flushing what they hold) within the close timeout; then the thread ends regardless.
    let timer: NodeJS.Timeout | undefined
    const limit = new Promise<void>(resolve => (timer = setTimeout(resolve, closeTimeoutMs)))
    await Promise.race([this.#call({ op: 'close', id: this.#nextId++ }), limit])
    clearTimeout(timer)
    this.#worker = undefined
    await worker.terminate()
  }
}

const stopped = () => new RestError(errors.internal, 'The producer thread stopped before Kafka answered.')

// Owns the long-lived Kafka clients of one proxy process. Created lazily so the proxy starts and answers even
// while Kafka is down; the client reconnects by itself on the next call once Kafka is back.
import { Admin } from '@platformatic/kafka'
import { type KafkaClientSettings } from '../config/client-options.ts'
import { withDeadline } from './errors.ts'

export interface KafkaClientsOptions {
  admin: KafkaClientSettings
  operationTimeoutMs: number
}

// Short internal retries: a REST caller would rather get a fast 5xx and retry than wait on a dead broker.
const adminDefaults = { timeout: 5000, connectTimeout: 3000, retries: 2, retryDelay: 200, metadataMaxAge: 5000 }

export class KafkaClients {
  readonly operationTimeoutMs: number
  readonly #options: KafkaClientsOptions
  #admin: Admin | undefined

  constructor(options: KafkaClientsOptions) {
    this.#options = options
    this.operationTimeoutMs = options.operationTimeoutMs
  }

  get admin(): Admin {
    this.#admin ??= new Admin({ ...adminDefaults, ...this.#options.admin, strict: true })
    return this.#admin
  }

  // One admin operation, bounded by the operation deadline, its errors turned into RestErrors.
  bounded<T>(what: string, operation: (admin: Admin) => Promise<T>): Promise<T> {
    return withDeadline(
      Promise.resolve().then(() => operation(this.admin)),
      this.operationTimeoutMs,
      what
    )
  }

  async close(): Promise<void> {
    const admin = this.#admin
    this.#admin = undefined
    await admin?.close()
  }
}

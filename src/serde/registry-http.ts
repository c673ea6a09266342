// The HTTP side of our Schema Registry client: one JSON call to Confluent's Schema Registry API, bounded by a
// timeout, with basic auth, an optional PEM trust store, and fail-over across several registry URLs (as
// Confluent's client takes a comma-separated list). Registry answers other than 2xx become SchemaRegistryError
// with the registry's own error_code; the caller decides what they mean for a REST request (schema-registry.ts).
//
// undici's fetch (the same implementation as Node's global fetch) with an Agent of our own: the global fetch
// cannot take a custom CA per client, and mixing the npm undici's Agent with Node's bundled fetch fails.
import { Agent, fetch as undiciFetch } from 'undici'

export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'
// what Confluent's own client sends
const ACCEPT =
  'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5'

/** The part of fetch this client uses (tests wrap it to count calls). */
export type RegistryFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal; dispatcher?: Agent }
) => Promise<{ status: number; text(): Promise<string> }>

/** A registry call that failed: `status` is the HTTP status (undefined: no answer), `code` the registry's error_code. */
export class SchemaRegistryError extends Error {
  readonly status: number | undefined
  readonly code: number | undefined

  constructor(message: string, status?: number, code?: number, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'SchemaRegistryError'
    this.status = status
    this.code = code
  }

  /** The registry refused us (Confluent's RBAC answers error_code 40301; others only HTTP 403). */
  get forbidden(): boolean {
    return this.status === 403 || this.code === 40301
  }

  /** Subject, version or schema not found (Confluent codes 40401-40403, or a plain 404). */
  get notFound(): boolean {
    return this.status === 404
  }
}

export interface RegistryHttpOptions {
  /** One or more base URLs, each possibly with a path prefix (e.g. .../apis/ccompat/v7) and user:password@. */
  urls: readonly string[]
  /** 'URL': credentials from the URL's user info; 'USER_INFO': from userInfo. */
  credentialsSource: 'URL' | 'USER_INFO'
  userInfo?: string
  /** PEM text of the certificates to trust for https URLs (default: Node's bundled CAs). */
  caPem?: string
  timeoutMs: number
  fetch?: RegistryFetch
}

interface Target {
  base: string // without user info and trailing slash
  authorization: string | undefined
}

const basic = (userInfo: string) => `Basic ${Buffer.from(userInfo).toString('base64')}`

function targetOf(raw: string, options: RegistryHttpOptions): Target {
  const url = new URL(raw.trim())
  const fromUrl = url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : ''
  url.username = ''
  url.password = ''
  const userInfo = options.credentialsSource === 'USER_INFO' ? options.userInfo : fromUrl
  return { base: url.href.replace(/\/+$/, ''), authorization: userInfo ? basic(userInfo) : undefined }
}

export class RegistryHttp {
  readonly #targets: Target[]
  readonly #timeoutMs: number
  readonly #fetch: RegistryFetch
  readonly #agent: Agent
  #current = 0 // index of the URL that answered last

  constructor(options: RegistryHttpOptions) {
    if (options.urls.length === 0) throw new Error('no Schema Registry URL')
    this.#targets = options.urls.map(url => targetOf(url, options))
    this.#timeoutMs = options.timeoutMs
    this.#fetch = options.fetch ?? undiciFetch
    // HTTP/1.1 only: undici 8 negotiates h2 by default, and its fetch then hands back gzip bodies undecoded
    // (seen with Apicurio over https, which compresses its JSON)
    this.#agent = new Agent({
      allowH2: false,
      connect: { timeout: options.timeoutMs, ...(options.caPem ? { ca: options.caPem } : {}) },
      keepAliveTimeout: 30_000
    })
  }

  /** The base URL calls go to first (for messages). */
  get url(): string {
    return this.#targets[this.#current].base
  }

  /**
   * One call; the whole exchange (all URLs tried, body read) is bounded by the timeout. A URL that gives no
   * answer at all is skipped for the next one; any HTTP answer, error or not, is final.
   */
  async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const signal = AbortSignal.timeout(this.#timeoutMs)
    const payload = body === undefined ? undefined : JSON.stringify(body)
    let lastError: unknown
    for (let attempt = 0; attempt < this.#targets.length; attempt++) {
      const index = (this.#current + attempt) % this.#targets.length
      const target = this.#targets[index]
      const headers: Record<string, string> = { accept: ACCEPT }
      if (payload !== undefined) headers['content-type'] = REGISTRY_CONTENT_TYPE
      if (target.authorization) headers.authorization = target.authorization
      let status: number
      let text: string
      try {
        const response = await this.#fetch(target.base + path, {
          method,
          headers,
          body: payload,
          signal,
          dispatcher: this.#agent
        })
        status = response.status
        text = await response.text()
      } catch (error) {
        if (signal.aborted) {
          throw new SchemaRegistryError(
            `Schema Registry did not answer within ${this.#timeoutMs} ms`,
            undefined,
            undefined,
            {
              cause: error
            }
          )
        }
        lastError = error
        continue
      }
      this.#current = index
      return parseAnswer<T>(status, text)
    }
    const reason = (lastError as { cause?: { code?: string; message?: string } })?.cause
    throw new SchemaRegistryError(
      `Schema Registry unreachable at ${this.#targets.map(t => t.base).join(', ')}: ${reason?.code ?? reason?.message ?? String(lastError)}`,
      undefined,
      undefined,
      { cause: lastError }
    )
  }

  close(): Promise<void> {
    return this.#agent.close()
  }
}

function parseAnswer<T>(status: number, text: string): T {
  let parsed: unknown
  try {
    parsed = text === '' ? undefined : JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (status >= 200 && status < 300) {
    if (parsed === undefined) throw new SchemaRegistryError(`Schema Registry answered ${status} without JSON`, status)
    return parsed as T
  }
  const error = parsed as { error_code?: unknown; message?: unknown } | undefined
  const code = typeof error?.error_code === 'number' && error.error_code !== 0 ? error.error_code : undefined
  const message = typeof error?.message === 'string' ? error.message : text.slice(0, 200) || `HTTP ${status}`
  // Confluent's client words it "<message>; error code: <code>"
  throw new SchemaRegistryError(`${message}; error code: ${code ?? status}`, status, code)
}

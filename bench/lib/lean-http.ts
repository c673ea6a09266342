// The benchmarks' HTTP client: one keep-alive connection, one request at a time, answers with a content-length.
// The generators share the machine's 2 cores with the proxy and the broker. At 1 KiB values undici cost the
// consume generator about as much CPU per record as the proxy spent writing the answer: a fresh Buffer per
// socket read and per answer (a tenth of its time in GC), stream machinery per chunk. Here socket reads land in
// one reused buffer (net's `onread`) and each answer's body is copied into another, so a request allocates almost
// nothing; a request is written as bytes encoded once ahead (`encodeRequest`), so sending it costs one write.
// Not a general client: no chunked answers, no pipelining, no redirects.
import { connect, type Socket } from 'node:net'

export interface LeanAnswer {
  status: number
  /** Valid until the next get() on this connection. */
  body: Buffer
}

const CRLF2 = Buffer.from('\r\n\r\n')
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i
const CHUNKED = /\r\ntransfer-encoding:\s*chunked/i

/** One HTTP/1.1 request as bytes: its head (host, the given headers, content-length of a body) and its body. */
export function encodeRequest(
  method: string,
  origin: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer | string
): Buffer {
  const payload = body === undefined ? undefined : Buffer.from(body)
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${new URL(origin).host}\r\n`
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`
  if (payload) head += `content-length: ${payload.length}\r\n`
  head += '\r\n'
  return payload ? Buffer.concat([Buffer.from(head, 'latin1'), payload]) : Buffer.from(head, 'latin1')
}

export class LeanConnection {
  readonly #socket: Socket
  #head = Buffer.allocUnsafe(4096)
  #headLength = 0
  #body: Buffer
  #bodyLength = 0
  #expected = -1 // body bytes of the current answer; -1 while its head is read
  #status = 0
  #waiting: { resolve: (answer: LeanAnswer) => void; reject: (error: Error) => void } | undefined
  #failure: Error | undefined

  private constructor(socket: Socket, bodyCapacity: number) {
    this.#socket = socket
    this.#body = Buffer.allocUnsafe(bodyCapacity)
  }

  static open(origin: string, bodyCapacity = 4 * 1024 * 1024): Promise<LeanConnection> {
    const url = new URL(origin)
    return new Promise((resolve, reject) => {
      let read: (buffer: Buffer, n: number) => void = () => {}
      const reads = Buffer.allocUnsafe(256 * 1024)
      const socket = connect({
        host: url.hostname,
        port: Number(url.port || 80),
        noDelay: true,
        onread: {
          buffer: reads,
          callback: n => {
            read(reads, n)
            return true
          }
        }
      })
      const opened = new LeanConnection(socket, bodyCapacity)
      read = (buffer, n) => opened.#read(buffer, n)
      socket.setTimeout(120_000, () => socket.destroy(new Error('no answer within 120 s')))
      socket.once('connect', () => resolve(opened))
      socket.once('error', error => {
        opened.#fail(error)
        reject(error)
      })
      socket.once('close', () => opened.#fail(new Error('the connection closed')))
    })
  }

  /** Writes one whole request (head and body, see encodeRequest) and resolves with its answer. */
  send(request: Buffer): Promise<LeanAnswer> {
    if (this.#failure) return Promise.reject(this.#failure)
    if (this.#waiting) return Promise.reject(new Error('one request at a time'))
    this.#headLength = 0
    this.#bodyLength = 0
    this.#expected = -1
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject }
      this.#socket.write(request)
    })
  }

  close(): void {
    this.#socket.destroy()
  }

  #fail(error: Error): void {
    this.#failure ??= error
    const waiting = this.#waiting
    this.#waiting = undefined
    waiting?.reject(error)
  }

  #read(chunk: Buffer, n: number): void {
    let at = 0
    if (this.#expected < 0) {
      // The head, usually whole in the answer's first read: found there, nothing is copied; otherwise gathered
      // until its blank line.
      let head: string
      const whole = this.#headLength === 0 ? chunk.subarray(0, n).indexOf(CRLF2) : -1
      if (whole >= 0) {
        head = chunk.toString('latin1', 0, whole + 2)
        at = whole + 4
      } else {
        if (this.#headLength + n > this.#head.length) {
          const grown = Buffer.allocUnsafe(Math.max(2 * this.#head.length, this.#headLength + n))
          this.#head.copy(grown, 0, 0, this.#headLength)
          this.#head = grown
        }
        const before = this.#headLength
        this.#headLength += chunk.copy(this.#head, before, 0, n)
        const end = this.#head.subarray(0, this.#headLength).indexOf(CRLF2, Math.max(0, before - 3))
        if (end < 0) return
        head = this.#head.toString('latin1', 0, end + 2)
        at = end + 4 - before // where the body starts in this read
      }
      const status = Number(head.slice(9, 12))
      const length = CONTENT_LENGTH.exec(head)
      const empty = status === 204 || status === 304 // never a body
      if (!empty && (!length || CHUNKED.test(head))) {
        this.#socket.destroy()
        this.#fail(new Error(`an answer without content-length: ${head.slice(0, 200)}`))
        return
      }
      this.#status = status
      this.#expected = empty ? 0 : Number(length![1])
      if (this.#expected > this.#body.length) this.#body = Buffer.allocUnsafe(this.#expected)
    }
    const take = Math.min(n - at, this.#expected - this.#bodyLength)
    if (take > 0) this.#bodyLength += chunk.copy(this.#body, this.#bodyLength, at, at + take)
    if (this.#bodyLength < this.#expected) return
    if (at + take < n) {
      this.#socket.destroy()
      this.#fail(new Error('bytes after the answer (one request at a time)'))
      return
    }
    const waiting = this.#waiting
    this.#waiting = undefined
    this.#expected = -1
    waiting?.resolve({ status: this.#status, body: this.#body.subarray(0, this.#bodyLength) })
  }
}

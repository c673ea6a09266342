// The bench's lean HTTP client (bench/lib/lean-http.ts) against a real node:http server on loopback: answers
// whose head and body arrive in pieces, empty answers, a body larger than its buffer, one connection reused.
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { type AddressInfo, createServer as createNetServer } from 'node:net'
import { after, before, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { encodeRequest, LeanConnection } from '../../../bench/lib/lean-http.ts'

let server: Server
let origin: string
const big = Buffer.alloc(3 * 1024 * 1024, 'x')
let connections = 0

before(async () => {
  server = createServer((request, response) => {
    const url = request.url ?? ''
    if (url === '/empty') {
      response.writeHead(204).end()
    } else if (url === '/big') {
      response.writeHead(200, { 'content-length': big.length }).end(big)
    } else if (url === '/pieces') {
      // The head, then the body in three writes with pauses between them.
      response.writeHead(200, { 'content-length': 9, 'x-accept': request.headers.accept ?? '' })
      response.flushHeaders()
      void (async () => {
        for (const part of ['abc', 'def', 'ghi']) {
          await sleep(20)
          response.write(part)
        }
        response.end()
      })()
    } else if (url === '/echo') {
      // The request's method, content-type and body, as the server parsed them.
      const parts: Buffer[] = []
      request.on('data', (part: Buffer) => parts.push(part))
      request.on('end', () => {
        const text = `${request.method} ${request.headers['content-type']} ${Buffer.concat(parts).toString()}`
        response.writeHead(200, { 'content-length': Buffer.byteLength(text) }).end(text)
      })
    } else if (url === '/chunked') {
      response.writeHead(200)
      response.write('no length')
      response.end()
    } else {
      response.writeHead(404, { 'content-length': 9 }).end('not found')
    }
  })
  server.on('connection', () => connections++)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

// A GET of `path` on the test server, as the consume generator sends its polls.
const get = (path: string) => encodeRequest('GET', origin, path, { accept: 'text/plain' })

after(() => new Promise<void>(resolve => server.close(() => resolve())))

test('answers arriving in pieces, empty ones, large ones and errors, all on one connection', async () => {
  const before = connections
  const client = await LeanConnection.open(origin, 1024)
  try {
    const pieces = await client.send(get('/pieces'))
    assert.equal(pieces.status, 200)
    assert.equal(pieces.body.toString(), 'abcdefghi')
    const empty = await client.send(get('/empty'))
    assert.equal(empty.status, 204)
    assert.equal(empty.body.length, 0)
    const large = await client.send(get('/big'))
    assert.equal(large.status, 200)
    assert.ok(large.body.equals(big), 'the whole body, byte for byte')
    const missing = await client.send(get('/nothing'))
    assert.equal(missing.status, 404)
    assert.equal(missing.body.toString(), 'not found')
    assert.equal(connections - before, 1)
  } finally {
    client.close()
  }
})

test('requests encoded ahead, with a body, sent again and again on one connection', async () => {
  const before = connections
  const client = await LeanConnection.open(origin)
  try {
    const headers = { 'content-type': 'application/vnd.kafka.binary.v2+json' }
    const post = encodeRequest('POST', origin, '/echo', headers, '{"records":[{"value":"aGk="}]}')
    for (let i = 0; i < 3; i++) {
      const answer = await client.send(post)
      assert.equal(answer.status, 200)
      assert.equal(answer.body.toString(), 'POST application/vnd.kafka.binary.v2+json {"records":[{"value":"aGk="}]}')
    }
    const bare = await client.send(encodeRequest('GET', origin, '/nothing', {}))
    assert.equal(bare.status, 404)
    assert.equal(connections - before, 1)
  } finally {
    client.close()
  }
})

test('an answer without content-length fails the request, and the connection with it', async () => {
  const client = await LeanConnection.open(origin)
  try {
    await assert.rejects(client.send(get('/chunked')), /without content-length/)
    await assert.rejects(client.send(get('/empty')))
  } finally {
    client.close()
  }
})

test('a head split across reads, with the body starting in the read that ends it', async () => {
  const raw = createNetServer(socket => {
    socket.once('data', () => {
      void (async () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Le')
        await sleep(20)
        socket.write('ngth: 5\r\n\r')
        await sleep(20)
        socket.write('\nhel')
        await sleep(20)
        socket.write('lo')
      })()
    })
  })
  await new Promise<void>(resolve => raw.listen(0, '127.0.0.1', resolve))
  const rawOrigin = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`
  const client = await LeanConnection.open(rawOrigin)
  try {
    const answer = await client.send(encodeRequest('GET', rawOrigin, '/', { accept: 'text/plain' }))
    assert.equal(answer.status, 200)
    assert.equal(answer.body.toString(), 'hello')
  } finally {
    client.close()
    await new Promise<void>(resolve => raw.close(() => resolve()))
  }
})

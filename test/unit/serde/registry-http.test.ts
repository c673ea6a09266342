// The registry client's HTTP edge, against a local stand-in server: path prefix, headers, credentials, error
// bodies and the timeout. What a real registry answers is proven in test/integration/serde/schema-registry.test.ts.
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { type AddressInfo } from 'node:net'
import { after, test } from 'node:test'
import { errors } from '../../../src/errors/codes.ts'
import { RestError } from '../../../src/errors/rest-error.ts'
import { RegistryHttp, SchemaRegistryError } from '../../../src/serde/registry-http.ts'
import { registryRestError } from '../../../src/serde/schema-registry.ts'

interface Seen {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

const seen: Seen[] = []
let answer: (res: ServerResponse) => void = res => res.end('{}')
const server = createServer((req, res) => {
  let body = ''
  req.on('data', (chunk: Buffer) => (body += chunk.toString()))
  req.on('end', () => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, body })
    answer(res)
  })
})
await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
after(() => {
  server.closeAllConnections()
  server.close()
})

const http = (url: string, more: Partial<ConstructorParameters<typeof RegistryHttp>[0]> = {}) => {
  const client = new RegistryHttp({ urls: [url], credentialsSource: 'URL', timeoutMs: 2000, ...more })
  after(() => client.close())
  return client
}

async function failure(promise: Promise<unknown>): Promise<SchemaRegistryError> {
  const error = await promise.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e
  )
  assert.ok(error instanceof SchemaRegistryError)
  return error
}

void test('calls keep the path prefix, send Confluent headers, and take credentials out of the URL', async () => {
  seen.length = 0
  answer = res => res.end('{"id":3}')
  const client = http(`http://us%40er:p%3Ass@${base.slice(7)}/apis/ccompat/v7/`)
  assert.equal(client.url, `${base}/apis/ccompat/v7`)
  assert.deepEqual(await client.call('POST', '/subjects/a%2Fb/versions', { schema: '"int"' }), { id: 3 })
  assert.equal(seen.length, 1)
  assert.equal(seen[0].method, 'POST')
  assert.equal(seen[0].url, '/apis/ccompat/v7/subjects/a%2Fb/versions')
  assert.equal(seen[0].body, '{"schema":"\\"int\\""}')
  assert.equal(seen[0].headers['content-type'], 'application/vnd.schemaregistry.v1+json')
  assert.match(seen[0].headers.accept!, /^application\/vnd\.schemaregistry\.v1\+json, /)
  assert.equal(seen[0].headers.authorization, `Basic ${Buffer.from('us@er:p:ss').toString('base64')}`)
})

void test('USER_INFO credentials win over the URL; none at all sends no Authorization', async () => {
  seen.length = 0
  answer = res => res.end('[]')
  await http(`http://x:y@${base.slice(7)}`, { credentialsSource: 'USER_INFO', userInfo: 'alice:pw' }).call('GET', '/s')
  await http(base).call('GET', '/s')
  assert.equal(seen[0].headers.authorization, `Basic ${Buffer.from('alice:pw').toString('base64')}`)
  assert.equal(seen[1].headers.authorization, undefined)
})

void test("error answers carry the registry's error_code; odd bodies still give a message", async () => {
  answer = res => {
    res.statusCode = 404
    res.end('{"error_code":40403,"message":"Schema 7 not found."}')
  }
  const notFound = await failure(http(base).call('GET', '/schemas/ids/7'))
  assert.deepEqual(
    [notFound.status, notFound.code, notFound.message],
    [404, 40403, 'Schema 7 not found.; error code: 40403']
  )
  assert.equal(notFound.notFound, true)

  answer = res => {
    res.statusCode = 403
    res.end('{"error_code":0,"message":"User is not authorized."}')
  }
  const refused = await failure(http(base).call('GET', '/x'))
  assert.deepEqual([refused.status, refused.code, refused.forbidden], [403, undefined, true])

  answer = res => {
    res.statusCode = 502
    res.end('<html>bad gateway</html>')
  }
  const proxy = await failure(http(base).call('GET', '/x'))
  assert.equal(proxy.message, '<html>bad gateway</html>; error code: 502')

  answer = res => res.end('not json')
  assert.equal((await failure(http(base).call('GET', '/x'))).message, 'Schema Registry answered 200 without JSON')
})

void test('a registry that accepts but never answers fails at the timeout', async () => {
  answer = () => {} // never ends the response
  const started = performance.now()
  const error = await failure(http(base, { timeoutMs: 300 }).call('GET', '/subjects'))
  const elapsed = performance.now() - started
  assert.ok(elapsed >= 290 && elapsed < 2000, `${elapsed} ms`)
  assert.equal(error.message, 'Schema Registry did not answer within 300 ms')
  assert.equal(error.status, undefined)
})

void test('registryRestError: 40301 for a refusal, 42205 for an invalid schema, else 42207 / 40801', () => {
  const view = (e: RestError) => [e.status, e.errorCode, e.message]
  const forbidden = new SchemaRegistryError('denied; error code: 40301', 403, 40301)
  assert.deepEqual(view(registryRestError(forbidden, 'serialize', 'ctx')), [403, 40301, 'ctx'])
  assert.deepEqual(view(registryRestError(forbidden, 'deserialize', 'ctx')), [403, 40301, 'ctx'])

  const invalid = new SchemaRegistryError('Invalid schema; error code: 42201', 422, 42201)
  assert.deepEqual(view(registryRestError(invalid, 'serialize', 'ctx')), [
    422,
    42205,
    'Invalid schema: ctx: Invalid schema; error code: 42201'
  ])
  assert.deepEqual(view(registryRestError(invalid, 'deserialize', 'ctx')), [
    408,
    40801,
    'Error deserializing message. ctx: Invalid schema; error code: 42201'
  ])

  const down = new SchemaRegistryError('Schema Registry did not answer within 5 ms')
  assert.deepEqual(view(registryRestError(down, 'serialize', 'ctx')), [
    422,
    42207,
    'Error serializing message. ctx: Schema Registry did not answer within 5 ms'
  ])
  const already = new RestError(errors.badRequest, 'as is')
  assert.equal(registryRestError(already, 'serialize', 'ctx'), already)
})

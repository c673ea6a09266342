// Our Schema Registry client (src/serde/schema-registry.ts) against the real registry of the run (Apicurio,
// Confluent API under the path prefix /apis/ccompat/v7): every call it makes, what it caches, and how registry
// failures become Confluent error codes. State is read back with raw calls (test/helpers/registry.ts).
// The last tests start a registry of their own with HTTPS and basic auth.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fetch as undiciFetch } from 'undici'
import { loadConfig } from '../../../src/config/load.ts'
import { type RestError } from '../../../src/errors/rest-error.ts'
import { type RegistryFetch } from '../../../src/serde/registry-http.ts'
import {
  createSchemaRegistry,
  registryRestError,
  type Schema,
  type SchemaRegistryClient,
  SchemaRegistryError
} from '../../../src/serde/schema-registry.ts'
import { pickFreePorts } from '../../../tools/kafka/runtime.ts'
import { type SchemaRegistryServer, startRegistry } from '../../../tools/registry/runtime.ts'
import { uniqueName } from '../../helpers/kafka.ts'
import { registryCall, schemaRegistryUrl } from '../../helpers/registry.ts'

const avro = (fields: string[]): Schema => ({
  schemaType: 'AVRO',
  schema: JSON.stringify({ type: 'record', name: 'R', fields: fields.map(name => ({ name, type: 'int' })) }),
  references: []
})

const clients: SchemaRegistryClient[] = []
after(() => Promise.all(clients.map(c => c.close())))

/** A client from configuration, with every fetch it makes counted by path. */
function client(overrides: Record<string, string> = {}, latestTtlMs?: number) {
  const calls: string[] = []
  const counting: RegistryFetch = (url, init) => {
    calls.push(`${init.method} ${new URL(url).pathname.replace(/^.*\/apis\/ccompat\/v7/, '')}`)
    return undiciFetch(url, init)
  }
  const { config } = loadConfig({ overrides: { 'schema.registry.url': schemaRegistryUrl(), ...overrides } })
  const registry = createSchemaRegistry(config, { fetch: counting, options: { latestTtlMs } })!
  clients.push(registry)
  return { registry, calls }
}

async function rejection(promise: Promise<unknown>): Promise<SchemaRegistryError> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof SchemaRegistryError, String(error))
    return error
  }
  assert.fail('expected a SchemaRegistryError')
}

const restError = (error: RestError) => ({ status: error.status, code: error.errorCode, message: error.message })

void test('no URL, no client: schema.registry.url is empty by default', () => {
  assert.equal(createSchemaRegistry(loadConfig({}).config), undefined)
})

void test('register, look up, get by id, by version, latest and the version list', async () => {
  const { registry } = client()
  const subject = uniqueName('sr-value')
  const v1 = avro(['a'])
  const registered = await registry.register(subject, v1)
  assert.deepEqual({ ...registered, id: 0 }, { ...v1, id: 0, subject, version: 1 })

  // the registry holds exactly that (raw read, not through our client)
  const raw = await registryCall(`/subjects/${subject}/versions/1`)
  assert.equal(raw.status, 200)
  assert.deepEqual(raw.body, { subject, version: 1, id: registered.id, schema: v1.schema })

  assert.deepEqual(await registry.lookup(subject, v1), registered)
  assert.equal(await registry.lookup(subject, avro(['other'])), undefined)
  assert.equal(await registry.lookup(uniqueName('no-such-subject'), v1), undefined)
  assert.deepEqual(await registry.getById(registered.id), { ...v1, id: registered.id })

  const v2 = await registry.register(subject, avro(['a', 'b']))
  assert.equal(v2.version, 2)
  assert.notEqual(v2.id, registered.id)
  assert.deepEqual(await registry.versions(subject), [1, 2])
  assert.deepEqual(await registry.getVersion(subject, 1), registered)
  assert.deepEqual(await registry.getLatest(subject), v2)

  // the same schema under another subject: same id, version 1 there
  const other = await registry.register(uniqueName('sr-other'), v1)
  assert.equal(other.id, registered.id)
  assert.equal(other.version, 1)
})

void test('protobuf and JSON schemas keep their type; references are sent and read back', async () => {
  const { registry } = client()
  const dep = await registry.register(uniqueName('sr-dep'), {
    schemaType: 'PROTOBUF',
    schema: 'syntax = "proto3";\npackage dep;\nmessage Money { int64 units = 1; }\n',
    references: []
  })
  const withRef: Schema = {
    schemaType: 'PROTOBUF',
    schema: 'syntax = "proto3";\nimport "dep.proto";\nmessage Order { dep.Money total = 1; }\n',
    references: [{ name: 'dep.proto', subject: dep.subject, version: dep.version }]
  }
  const order = await registry.register(uniqueName('sr-order'), withRef)
  assert.deepEqual((await client().registry.getById(order.id)).references, withRef.references)
  assert.equal((await client().registry.getById(order.id)).schemaType, 'PROTOBUF')

  // (Apicurio cannot tell the type of a bare {"type":"object"}, so the schema has properties)
  const json: Schema = {
    schemaType: 'JSON',
    schema: '{"type":"object","properties":{"a":{"type":"integer"}}}',
    references: []
  }
  const registered = await registry.register(uniqueName('sr-json'), json)
  assert.deepEqual(await client().registry.getById(registered.id), { ...json, id: registered.id })
})

void test('known schemas are answered from memory: no registry call on the hot path', async () => {
  const { registry, calls } = client({}, 2000)
  const subject = uniqueName('sr-cache')
  const schema = avro(['a'])

  const first = await registry.register(subject, schema)
  // look up (404), register, look up again for the version
  assert.deepEqual(calls, [
    `POST /subjects/${subject}`,
    `POST /subjects/${subject}/versions`,
    `POST /subjects/${subject}`
  ])
  calls.length = 0
  assert.deepEqual(await registry.register(subject, schema), first)
  assert.deepEqual(await registry.lookup(subject, schema), first)
  assert.deepEqual(await registry.getById(first.id), { ...schema, id: first.id }) // learnt from the lookup
  assert.deepEqual(calls, [])

  // concurrent first calls share one request; later ones hit the cache
  const fresh = client()
  const byId = await Promise.all([1, 2, 3].map(() => fresh.registry.getById(first.id)))
  assert.deepEqual(
    byId,
    [1, 2, 3].map(() => ({ ...schema, id: first.id }))
  )
  await fresh.registry.getVersion(subject, 1)
  await fresh.registry.getVersion(subject, 1)
  assert.deepEqual(fresh.calls, [`GET /schemas/ids/${first.id}`, `GET /subjects/${subject}/versions/1`])

  // latest: reused within its TTL, asked again after it (2 s here: registering v2 below takes three registry calls,
  // which can pass 200 ms on a loaded machine)
  await registry.getLatest(subject)
  await registry.getLatest(subject)
  assert.deepEqual(calls, [`GET /subjects/${subject}/versions/latest`])
  const v2 = await registry.register(subject, avro(['a', 'b']))
  assert.equal((await registry.getLatest(subject)).version, 1)
  await sleep(2050)
  assert.deepEqual(await registry.getLatest(subject), v2)
})

void test('a registration is not answered by a concurrent lookup that finds nothing', async () => {
  const { registry, calls } = client()
  const subject = uniqueName('sr-race')
  const schema = avro(['r'])
  const [looked, registered] = await Promise.all([registry.lookup(subject, schema), registry.register(subject, schema)])
  assert.equal(looked, undefined)
  assert.equal(registered.version, 1)
  // the registration shared the lookup's call, then registered and looked up again
  assert.deepEqual(calls, [
    `POST /subjects/${subject}`,
    `POST /subjects/${subject}/versions`,
    `POST /subjects/${subject}`
  ])
  assert.deepEqual(await registry.lookup(subject, schema), registered)
  assert.equal(calls.length, 3)
})

void test('failures are not cached, and map to Confluent codes', async () => {
  const { registry, calls } = client()
  const subject = uniqueName('sr-missing')

  const noLatest = await rejection(registry.getLatest(subject))
  assert.equal(noLatest.status, 404)
  assert.equal(noLatest.code, 40401)
  assert.match(noLatest.message, /error code: 40401$/)
  await registry.register(subject, avro(['a']))
  assert.equal((await registry.getLatest(subject)).version, 1) // the failure was not remembered
  assert.equal(calls.filter(c => c.endsWith('/versions/latest')).length, 2)

  const noId = await rejection(registry.getById(987654321))
  assert.deepEqual([noId.status, noId.code], [404, 40403])
  const context = 'Error when fetching schema by id. schemaId = 987654321'
  assert.deepEqual(restError(registryRestError(noId, 'serialize', context)), {
    status: 422,
    code: 42207,
    message: `Error serializing message. ${context}: ${noId.message}`
  })
  assert.deepEqual(restError(registryRestError(noId, 'deserialize', context)), {
    status: 408,
    code: 40801,
    message: `Error deserializing message. ${context}: ${noId.message}`
  })

  const noVersion = await rejection(registry.getVersion(subject, 9))
  assert.deepEqual([noVersion.status, noVersion.code], [404, 40402])

  const invalid = await rejection(
    registry.register(uniqueName('sr-invalid'), { ...avro([]), schema: '{"type":"nope"' })
  )
  assert.equal(invalid.code, 42201)
  assert.deepEqual(restError(registryRestError(invalid, 'serialize', 'Error when registering schema.')), {
    status: 422,
    code: 42205,
    message: `Invalid schema: Error when registering schema.: ${invalid.message}`
  })
})

void test('a URL that does not answer is skipped for the next one; a dead registry fails within the timeout', async () => {
  const [deadPort] = await pickFreePorts(1)
  const dead = `http://127.0.0.1:${deadPort}/apis/ccompat/v7`
  const { registry, calls } = client({ 'schema.registry.url': `${dead},${schemaRegistryUrl()}/` })
  const subject = uniqueName('sr-failover')
  assert.equal((await registry.register(subject, avro(['a']))).version, 1)
  assert.equal(calls.length, 4) // one refused connection, then the three calls of a registration
  assert.equal(registry.url, schemaRegistryUrl()) // the live one is asked first from now on

  const { registry: alone } = client({ 'schema.registry.url': dead, 'schema.registry.request.timeout.ms': '2000' })
  const started = performance.now()
  const error = await rejection(alone.getLatest(subject))
  assert.ok(performance.now() - started < 2000)
  assert.equal(error.status, undefined)
  assert.match(
    error.message,
    /^Schema Registry unreachable at http:\/\/127\.0\.0\.1:\d+\/apis\/ccompat\/v7: ECONNREFUSED$/
  )
  assert.equal(registryRestError(error, 'serialize', 'x').errorCode, 42207)
})

void describe('a registry with HTTPS and basic auth', () => {
  let dir: string
  let secured: SchemaRegistryServer
  let caFile: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sr-tls-'))
    caFile = join(dir, 'cert.pem')
    // self-signed for 127.0.0.1: its own certificate is the trust store
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', caFile
    ], { stdio: 'ignore' }) // prettier-ignore
    secured = await startRegistry({
      tls: { certFile: caFile, keyFile: join(dir, 'key.pem') },
      users: { alice: { password: 's3cret:x' }, reader: { password: 'r', role: 'sr-readonly' } }
    })
  })
  after(async () => {
    await secured?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  const secure = (overrides: Record<string, string>) =>
    client({
      'schema.registry.url': secured.url,
      'schema.registry.ssl.truststore.location': caFile,
      ...overrides
    }).registry

  void test('credentials from user.info or from the URL; the trust store is used', async () => {
    assert.match(secured.url, /^https:\/\/127\.0\.0\.1:\d+\/apis\/ccompat\/v7$/)
    const subject = uniqueName('sr-auth')
    const viaUserInfo = secure({
      'schema.registry.basic.auth.credentials.source': 'USER_INFO',
      'schema.registry.basic.auth.user.info': 'alice:s3cret:x'
    })
    const registered = await viaUserInfo.register(subject, avro(['a']))
    const viaUrl = secure({ 'schema.registry.url': secured.url.replace('https://', 'https://alice:s3cret%3Ax@') })
    assert.deepEqual(await viaUrl.getLatest(subject), registered)
  })

  void test('no credentials → 401 (42207); a read-only user registering → 403 (40301); unknown CA fails', async () => {
    const anonymous = await rejection(secure({}).getById(1))
    assert.equal(anonymous.status, 401)
    assert.equal(registryRestError(anonymous, 'serialize', 'ctx').errorCode, 42207)

    const reader = secure({ 'schema.registry.url': secured.url.replace('https://', 'https://reader:r@') })
    const refused = await rejection(reader.register(uniqueName('sr-ro'), avro(['a'])))
    assert.equal(refused.status, 403)
    const context = 'Error when registering schema. format = AVRO, subject = s'
    assert.deepEqual(restError(registryRestError(refused, 'serialize', context)), {
      status: 403,
      code: 40301,
      message: context
    })

    const untrusted = client({ 'schema.registry.url': secured.url }).registry
    const tlsError = await rejection(untrusted.getById(1))
    assert.match(tlsError.message, /DEPTH_ZERO_SELF_SIGNED_CERT/)
  })
})

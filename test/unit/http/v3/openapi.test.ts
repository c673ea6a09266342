// The proxy's own OpenAPI document: generated from our source files in openapi/, committed, served, and in step
// with the routes the app registers.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test, type TestContext } from 'node:test'
import { Ajv } from 'ajv'
import yaml from 'js-yaml'
import { merge, methods, readSources, render } from '../../../../scripts/generate-openapi.ts'
import { buildApp } from '../../../../src/app.ts'
import { loadConfig } from '../../../../src/config/load.ts'
import { type Services } from '../../../../src/services/index.ts'
import { assertMatchesServedSpec, closeObjects, ourTemplate, translate } from '../../../helpers/openapi.ts'
import { registeredRoutes } from '../../../helpers/routes.ts'

const file = (name: string) => readFileSync(new URL(`../../../../openapi/${name}`, import.meta.url), 'utf8')
type Document = { paths: Record<string, Record<string, unknown>>; info: { title: string } }

async function app(t: TestContext) {
  const { config } = loadConfig({ overrides: { 'bootstrap.servers': 'unused:9092' } })
  // No service is reached by these routes.
  const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('not used')) })
  const services = { metadata: unused, produce: unused, consumerGroups: unused, groupAdmin: unused, acls: unused }
  const instance = await buildApp(config, { services: services as Services, logger: false })
  t.after(() => instance.close())
  return instance
}

test('the committed openapi.yaml and openapi.json are what the generator makes (regenerate on drift)', async () => {
  const { yaml: yamlText, json } = await render()
  assert.equal(file('openapi.yaml'), yamlText, 'run: node scripts/generate-openapi.ts')
  assert.equal(file('openapi.json'), json, 'run: node scripts/generate-openapi.ts')
})

test('GET /v3/openapi.json and /v3/openapi.yaml serve the document, with every extension operation', async t => {
  const proxy = await app(t)
  const json = await proxy.inject('/v3/openapi.json')
  assert.equal(json.statusCode, 200)
  assert.equal(json.headers['content-type'], 'application/json')
  const document = json.json<Document>()
  assert.deepEqual(document, JSON.parse(file('openapi.json')))
  assert.equal(document.info.title, 'REST Admin API (kafka-rest)')

  const yamlRes = await proxy.inject('/v3/openapi.yaml')
  assert.equal(yamlRes.statusCode, 200)
  assert.equal(yamlRes.headers['content-type'], 'application/yaml')
  assert.deepEqual(yaml.load(yamlRes.body), document)
  assert.equal(
    (await proxy.inject({ url: '/v3/openapi.yaml', headers: { accept: 'application/json' } })).statusCode,
    406
  )

  const extensions = yaml.load(file('extensions.yaml')) as Document
  const operations = Object.entries(extensions.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter(key => key !== 'parameters')
      .map(method => `${method.toUpperCase()} ${path}`)
  )
  assert.deepEqual(operations.sort(), [
    'DELETE /clusters/{cluster_id}/consumer-groups/{consumer_group_id}',
    'GET /openapi.json',
    'GET /openapi.yaml',
    'POST /clusters/{cluster_id}/consumer-groups/{consumer_group_id}/offsets:reset'
  ])
  for (const operation of operations) {
    const [method, path] = operation.split(' ')
    assert.ok(document.paths[path]?.[method.toLowerCase()], operation)
  }
})

test('extension bodies are checked against the served document', () => {
  const template = '/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/offsets:reset'
  const ok = {
    cluster_id: 'c',
    consumer_group_id: 'g',
    validate_only: false,
    data: [{ topic_name: 't', partition_id: 0, previous_offset: null, offset: 3 }]
  }
  assertMatchesServedSpec('POST', template, 200, ok)
  assert.throws(
    () =>
      assertMatchesServedSpec('POST', template, 200, {
        ...ok,
        data: [{ topic_name: 't', partition_id: 0, offset: 3 }]
      }),
    /previous_offset/
  )
  assertMatchesServedSpec('POST', template, 409, { error_code: 40903, message: 'Illegal state: ...' })
  assert.throws(() => assertMatchesServedSpec('POST', template, 409, { message: 'x' }), /error_code/)
})

// fastify's route syntax → OpenAPI's: `:name` → `{name}`, `::` (a literal colon) → `:`.
function openApiPath(url: string): string {
  return url
    .replaceAll('::', '\u0000')
    .replace(/:([A-Za-z0-9_]+)/g, '{$1}')
    .replaceAll('\u0000', ':')
}

test('openApiPath turns fastify routes into OpenAPI templates', () => {
  assert.equal(
    openApiPath('/clusters/:cluster_id/topics/:topic_name/records::batch'),
    '/clusters/{cluster_id}/topics/{topic_name}/records:batch'
  )
  assert.equal(
    openApiPath('/clusters/:cluster_id/topics/-/configs::alter'),
    '/clusters/{cluster_id}/topics/-/configs:alter'
  )
})

test('every /v3 route has an operation in the served document, and every operation a route', async () => {
  const routes = (await registeredRoutes())
    .filter(r => r.url.startsWith('/v3/') && r.method !== 'HEAD')
    .map(r => `${r.method} ${openApiPath(r.url.slice('/v3'.length))}`)
  const document = JSON.parse(file('openapi.json')) as Document
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter(key => methods.includes(key))
      .map(method => `${method.toUpperCase()} ${path}`)
  )
  assert.equal(new Set(routes).size, routes.length, 'a route is registered twice')
  assert.deepEqual(
    routes.filter(r => !operations.includes(r)),
    [],
    'routes without an operation in openapi/'
  )
  assert.deepEqual(
    operations.filter(o => !routes.includes(o)),
    [],
    'operations without a route'
  )
})

test('every schema of the document compiles, and every operation names its tags and a 2xx answer', () => {
  const document = JSON.parse(file('openapi.json')) as Document & { components: { schemas: Record<string, unknown> } }
  const ajv = new Ajv({ strict: false, validateFormats: false })
  ajv.addSchema({ $id: 'doc', components: closeObjects(translate(document.components)) })
  for (const name of Object.keys(document.components.schemas)) {
    assert.ok(ajv.getSchema(`doc#/components/schemas/${name}`), name)
  }
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of Object.keys(item).filter(key => methods.includes(key))) {
      const op = item[method] as { summary?: string; description?: string; responses: Record<string, unknown> }
      assert.ok(op.summary && op.description, `${method} ${path} needs a summary and a description`)
      assert.ok(
        Object.keys(op.responses).some(status => status.startsWith('2')),
        `${method} ${path} has no 2xx`
      )
    }
  }
})

test('the merge refuses the same operation, component or tag twice and checks references', () => {
  const sources = readSources()
  const head = sources[0]
  const part = (document: Record<string, unknown>) => ({ name: 'x.yaml', document })
  const op = { operationId: 'x', summary: 's', description: 'd', responses: { '204': { description: 'ok' } } }
  assert.throws(
    () => merge([...sources, part({ paths: { '/clusters': { get: { ...op, operationId: 'other' } } } })]),
    /GET \/clusters is defined twice/
  )
  assert.throws(
    () => merge([...sources, part({ components: { schemas: { KafkaTopic: { type: 'object' } } } })]),
    /components.schemas.KafkaTopic is defined twice/
  )
  assert.throws(() => merge([...sources, part({ tags: [{ name: 'Topics' }] })]), /tag "Topics" is defined twice/)
  assert.throws(
    () => merge([...sources, part({ info: { title: 't' } })]),
    /top-level "info" is only allowed in base.yaml/
  )
  assert.throws(
    () =>
      merge([
        head,
        part({ paths: { '/a': { get: { ...op, responses: { '200': { $ref: '#/components/responses/Nope' } } } } } })
      ]),
    /unresolved \$ref #\/components\/responses\/Nope/
  )
  assert.throws(
    () => merge([head, part({ paths: { '/a/{id}': { get: op } } })]),
    /path parameter \{id\} is not declared/
  )
  assert.throws(
    () => merge([head, part({ paths: { '/a': { get: op } } }), part({ paths: { '/b': { put: op } } })]),
    /operationId x is used twice/
  )
  const param = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } })
  assert.throws(
    () =>
      merge([
        head,
        part({ paths: { '/a/{id}': { parameters: [param('id')], get: op } } }),
        part({
          paths: { '/a/{id}': { parameters: [param('id'), param('other')], delete: { ...op, operationId: 'y' } } }
        })
      ]),
    /paths.\/a\/\{id\}.parameters differs/
  )
  // The same path in two files with the same path-level keys is one path item with both operations.
  const merged = merge([
    head,
    part({ paths: { '/a/{id}': { parameters: [param('id')], get: op } } }),
    part({ paths: { '/a/{id}': { parameters: [param('id')], delete: { ...op, operationId: 'y' } } } })
  ]) as Document
  assert.deepEqual(Object.keys(merged.paths['/a/{id}']), ['parameters', 'get', 'delete'])
})

test('ourTemplate maps a concrete path to its template, a literal segment before a parameter', () => {
  assert.equal(ourTemplate('/clusters/c1/topics/-/configs'), '/clusters/{cluster_id}/topics/-/configs')
  assert.equal(ourTemplate('/clusters/c1/topics/t1/configs'), '/clusters/{cluster_id}/topics/{topic_name}/configs')
  assert.equal(
    ourTemplate('/clusters/c1/topics/t1/records:batch?x=1'),
    '/clusters/{cluster_id}/topics/{topic_name}/records:batch'
  )
  assert.throws(() => ourTemplate('/clusters/c1/nothing'), /no path/)
})

test('the served check is strict: undocumented statuses, bodies and fields fail', () => {
  const topics = '/clusters/{cluster_id}/topics/{topic_name}'
  assert.throws(
    () => assertMatchesServedSpec('GET', topics, 409, { error_code: 409, message: 'x' }),
    /does not document 409/
  )
  assertMatchesServedSpec('DELETE', topics, 204, undefined)
  assert.throws(() => assertMatchesServedSpec('DELETE', topics, 204, {}), /has no body/)
  assert.throws(
    () => assertMatchesServedSpec('GET', topics, 404, { error_code: 40403, message: 'x', extra: 1 }),
    /must NOT have additional properties/
  )
})

// The proxy's own OpenAPI document: generated from Confluent's file and our extensions, committed, served.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test, type TestContext } from 'node:test'
import yaml from 'js-yaml'
import { render } from '../../../../scripts/generate-openapi.ts'
import { buildApp } from '../../../../src/app.ts'
import { loadConfig } from '../../../../src/config/load.ts'
import { type Services } from '../../../../src/services/index.ts'
import { assertMatchesServedSpec } from '../../../helpers/openapi.ts'

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

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type RestError } from '../../../src/errors/rest-error.ts'
import { type Schema, type SchemaRegistryClient, type SubjectSchema } from '../../../src/serde/schema-registry.ts'
import { createSchemaService, type DefaultStrategies, LATEST_REUSE_MS } from '../../../src/services/schemas.ts'

const record = '{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"long"}]}'

/** A registry holding what is registered through it (ids from 1), counting its calls. */
function fakeRegistry() {
  const calls: string[] = []
  const subjects = new Map<string, SubjectSchema[]>()
  let next = 1
  const registry = {
    register(subject: string, schema: Schema) {
      calls.push(`register ${subject}`)
      const versions = subjects.get(subject) ?? []
      let found = versions.find(v => v.schema === schema.schema)
      if (!found) {
        found = { ...schema, id: next++, subject, version: versions.length + 1 }
        subjects.set(subject, [...versions, found])
      }
      return Promise.resolve(found)
    },
    getLatest(subject: string) {
      calls.push(`latest ${subject}`)
      const latest = subjects.get(subject)?.at(-1)
      return latest ? Promise.resolve(latest) : Promise.reject(new Error('not found'))
    }
  } as unknown as SchemaRegistryClient
  return { registry, calls }
}

test('resolve: one registry exchange per side, then encode frames any number of records synchronously', async () => {
  const { registry, calls } = fakeRegistry()
  const schemas = createSchemaService(registry)
  const side = await schemas.resolve('t', false, { format: 'AVRO', schema: record })
  assert.deepEqual(
    { format: side.format, subject: side.subject, schemaId: side.schemaId, schemaVersion: side.schemaVersion },
    { format: 'AVRO', subject: 't-value', schemaId: 1, schemaVersion: 1 }
  )
  const frames = [1, 2, 3].map(id => side.encode({ id }))
  assert.deepEqual(frames[2], Buffer.from([0, 0, 0, 0, 1, 6]))
  assert.deepEqual(calls, ['register t-value'])
  assert.throws(
    () => side.encode({ id: 'x' }),
    (e: RestError) => e.errorCode === 400 && e.message === 'Bad Request: Expected long. Got VALUE_STRING (at .id)'
  )
})

test('the configured default strategies name the subjects of requests that name none', async () => {
  const { registry, calls } = fakeRegistry()
  const defaults: DefaultStrategies = { key: 'TOPIC_RECORD_NAME', value: 'RECORD_NAME' }
  const schemas = createSchemaService(registry, defaults)
  assert.equal((await schemas.resolve('t', true, { format: 'AVRO', schema: record })).subject, 't-com.acme.Order')
  assert.equal((await schemas.resolve('t', false, { format: 'AVRO', schema: record })).subject, 'com.acme.Order')
  // a strategy in the request wins over the default
  const named = await schemas.resolve('t', false, { format: 'AVRO', schema: record, strategy: 'TOPIC_NAME' })
  assert.equal(named.subject, 't-value')
  // the latest version needs a subject the default strategy cannot give without a schema
  await assert.rejects(schemas.resolve('t', false, {}), {
    message: 'Bad Request: Cannot use default schema_subject_strategy without schema_id or schema.'
  })
  assert.deepEqual(calls, ['register t-com.acme.Order', 'register com.acme.Order', 'register t-value'])
})

test('resolvedNow: a spec resolved before is known without a registry call; the latest version only for a while', async t => {
  const { registry, calls } = fakeRegistry()
  const schemas = createSchemaService(registry)
  const raw = { format: 'AVRO', schema: record } as const
  assert.equal(schemas.resolvedNow('t', false, raw), undefined)
  await schemas.resolve('t', false, raw)
  assert.equal(schemas.resolvedNow('t', false, raw)?.schemaId, 1)
  // another topic, side or spec is another resolution
  assert.equal(schemas.resolvedNow('u', false, raw), undefined)
  assert.equal(schemas.resolvedNow('t', true, raw), undefined)
  assert.equal(schemas.resolvedNow('t', false, { ...raw, subject: 'other' }), undefined)

  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 })
  await schemas.resolve('t', false, {})
  assert.equal(schemas.resolvedNow('t', false, {})?.schemaVersion, 1)
  t.mock.timers.tick(LATEST_REUSE_MS + 1)
  assert.equal(schemas.resolvedNow('t', false, {}), undefined) // a newer version may exist by now
  assert.equal(schemas.resolvedNow('t', false, raw)?.schemaId, 1) // a raw schema's resolution does not expire
  assert.deepEqual(calls, ['register t-value', 'latest t-value'])
})

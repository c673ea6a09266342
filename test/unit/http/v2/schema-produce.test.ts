import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type RestError } from '../../../../src/errors/rest-error.ts'
import { serializeSchemaRecords } from '../../../../src/http/v2/schema-produce.ts'
import { type ResolvedSchema, type SchemaService, type SchemaSpec } from '../../../../src/services/schemas.ts'

/** A schema service resolving every spec to id 100 (key) / 200 (value), or id 300 as a PROTOBUF schema. */
function service() {
  const resolved: { isKey: boolean; spec: SchemaSpec }[] = []
  const schemas = {
    resolve(_topic: string, isKey: boolean, spec: SchemaSpec): Promise<ResolvedSchema> {
      resolved.push({ isKey, spec })
      const schemaId = spec.schemaId === 300 ? 300 : isKey ? 100 : 200
      return Promise.resolve({
        format: schemaId === 300 ? 'PROTOBUF' : 'AVRO',
        subject: `t-${isKey ? 'key' : 'value'}`,
        schemaId,
        schemaVersion: 1,
        encode: (data: unknown) => {
          if (data === 'bad') throw Object.assign(new Error('Bad Request: no'), { errorCode: 400 })
          return Buffer.from(`${schemaId}:${JSON.stringify(data)}`)
        }
      })
    }
  } as unknown as SchemaService
  return { schemas, resolved }
}

const text = (b: Buffer | null) => (b === null ? null : b.toString())

async function refusal(promise: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await promise
  } catch (error) {
    return { code: (error as RestError).errorCode, message: (error as RestError).message }
  }
  assert.fail('expected a refusal')
}

test('each side is resolved once per request, key first; every record is encoded with it; nulls stay null', async () => {
  const { schemas, resolved } = service()
  const body = {
    key_schema: '"string"',
    value_schema_id: '7', // Jackson coerces numeric strings
    records: [{ key: 'a', value: 1, partition: 2 }, { value: 2 }, { key: null, value: null }]
  }
  const out = await serializeSchemaRecords(schemas, 't', 'AVRO', body)
  assert.deepEqual(resolved, [
    { isKey: true, spec: { format: 'AVRO', schema: '"string"' } },
    { isKey: false, spec: { schemaId: 7 } }
  ])
  assert.deepEqual(
    out.records.map(r => [text(r.key), text(r.value), r.partition]),
    [
      ['100:"a"', '200:1', 2],
      [null, '200:2', undefined],
      [null, null, undefined]
    ]
  )
  assert.deepEqual(out.schemaIds, { key: 100, value: 200 })
})

test('42201/42202 for the first non-null key/value without a schema, in record order, after resolving', async () => {
  const { schemas, resolved } = service()
  assert.deepEqual(
    await refusal(serializeSchemaRecords(schemas, 't', 'AVRO', { value_schema: 'x', records: [{ value: 1 }, { key: 'k' }] })), // prettier-ignore
    { code: 42201, message: 'Request includes keys but does not include key schema' }
  )
  assert.deepEqual(
    await refusal(serializeSchemaRecords(schemas, 't', 'AVRO', { records: [{ value: 'bad' }, { key: 1 }] })),
    { code: 42202, message: 'Request includes values but does not include value schema' }
  )
  assert.equal(
    (await refusal(serializeSchemaRecords(schemas, 't', 'AVRO', { value_schema: 'x', records: [{ value: 'bad' }, { key: 1 }] }))).code, // prettier-ignore
    400
  )
  assert.equal(resolved.length, 2)
  const none = await serializeSchemaRecords(schemas, 't', 'AVRO', { records: [{ key: null }] })
  assert.deepEqual(none.schemaIds, { key: null, value: null })
})

test('argument errors: both a schema and an id, another format, wrong types; without a registry 42206/42207', async () => {
  const { schemas } = service()
  const records = [{ value: 1 }]
  const cases: [unknown, { code: number; message: string }][] = [
    [{ key_schema: 'x', key_schema_id: 1, records }, { code: 400, message: 'Bad Request: key_schema and key_schema_id cannot be used together' }],
    [{ value_schema_id: 300, records }, { code: 400, message: "Bad Request: value_schema_id 300 names a PROTOBUF schema, but the request's format is AVRO" }],
    [{ value_schema: ['x'], records }, { code: 400, message: 'Bad Request: value_schema must be a string holding the schema' }],
    [{ key_schema_id: -1, records }, { code: 400, message: 'Bad Request: key_schema_id must be a schema id (a non-negative integer)' }],
    [{ key_schema_id: 1.5, records }, { code: 400, message: 'Bad Request: key_schema_id must be a schema id (a non-negative integer)' }],
    [{ records: [] }, { code: 422, message: 'records must not be empty' }],
    [{ records, value_subject: 's' }, { code: 422, message: 'Unrecognized field: value_subject' }],
    [undefined, { code: 422, message: 'Request body is empty. Data is required.' }]
  ] // prettier-ignore
  for (const [body, expected] of cases)
    assert.deepEqual(await refusal(serializeSchemaRecords(schemas, 't', 'AVRO', body)), expected)

  assert.deepEqual(await refusal(serializeSchemaRecords(undefined, 't', 'AVRO', { value_schema_id: 1, records })), {
    code: 42206,
    message: 'Payload error. Schema Registry must be configured when using schemas.'
  })
  assert.deepEqual(await refusal(serializeSchemaRecords(undefined, 't', 'PROTOBUF', { records })), {
    code: 42207,
    message:
      'Error serializing message. Schema registry not defined, no Schema Registry client available to serialize message.'
  })
})

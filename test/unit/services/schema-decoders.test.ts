import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { errors } from '../../../src/errors/codes.ts'
import { RestError } from '../../../src/errors/rest-error.ts'
import { RecordPending } from '../../../src/model/consumer.ts'
import { parseAvroSchema } from '../../../src/serde/avro.ts'
import { createSchemaDecoders } from '../../../src/services/schema-decoders.ts'
import { type SchemaService } from '../../../src/services/schemas.ts'

const codec = parseAvroSchema('"string"')

/** A schema service whose codecById answers from `answers` (id → format or error), counting calls. */
function service(answers: Map<number, 'AVRO' | 'PROTOBUF' | RestError>) {
  const calls: number[] = []
  const schemas = {
    codecById(id: number) {
      calls.push(id)
      const answer = answers.get(id)
      if (answer === undefined) return Promise.reject(new Error(`no answer for ${id}`))
      if (answer instanceof RestError) return Promise.reject(answer)
      return Promise.resolve({ format: answer, codec })
    }
  } as unknown as SchemaService
  return { schemas, calls }
}

function pending(get: () => unknown): Promise<void> {
  try {
    get()
  } catch (error) {
    assert.ok(error instanceof RecordPending, String(error))
    return error.ready
  }
  assert.fail('expected RecordPending')
}

test('an unknown id is fetched once: pending until then, a map lookup afterwards', async () => {
  const { schemas, calls } = service(new Map([[7, 'AVRO'], [8, 'PROTOBUF']])) // prettier-ignore
  const decoders = createSchemaDecoders(schemas)
  const first = pending(() => decoders.get(7))
  const second = pending(() => decoders.get(7))
  assert.equal(first, second, 'one fetch for every record of that id')
  await first
  for (let i = 0; i < 100; i++) assert.deepEqual(decoders.get(7), { format: 'avro', codec })
  await pending(() => decoders.get(8))
  assert.equal(decoders.get(8).format, 'protobuf')
  assert.deepEqual(calls, [7, 8])
})

test('a failed fetch answers for retryMs, then the registry is asked again', async () => {
  const notFound = new RestError(errors.serialization, 'Error deserializing message. not found')
  const answers = new Map<number, 'AVRO' | RestError>([[5, notFound]])
  const { schemas, calls } = service(answers)
  const decoders = createSchemaDecoders(schemas, { retryMs: 50 })
  await pending(() => decoders.get(5))
  assert.throws(() => decoders.get(5), notFound)
  assert.throws(() => decoders.get(5), notFound)
  assert.deepEqual(calls, [5])
  await sleep(60)
  answers.set(5, 'AVRO') // e.g. the registry is back
  await pending(() => decoders.get(5))
  assert.equal(decoders.get(5).codec, codec)
  assert.deepEqual(calls, [5, 5])

  // anything else than a RestError becomes a 40801
  await pending(() => decoders.get(6))
  assert.throws(
    () => decoders.get(6),
    (e: RestError) => e.errorCode === 40801 && /no answer for 6/.test(e.message)
  )
})

test('at most `capacity` ids are remembered, the oldest going first', async () => {
  const { schemas, calls } = service(new Map([[1, 'AVRO'], [2, 'AVRO'], [3, 'AVRO']])) // prettier-ignore
  const decoders = createSchemaDecoders(schemas, { capacity: 2 })
  for (const id of [1, 2, 3]) await pending(() => decoders.get(id))
  decoders.get(3)
  decoders.get(2)
  await pending(() => decoders.get(1))
  assert.deepEqual(calls, [1, 2, 3, 1])
})

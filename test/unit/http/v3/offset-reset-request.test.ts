import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RestError } from '../../../../src/errors/rest-error.ts'
import { parseOffsetResetRequest } from '../../../../src/http/v3/offset-reset-request.ts'

const fails = (body: unknown, status: number, code: number, message: string) =>
  assert.throws(
    () => parseOffsetResetRequest(body),
    (e: unknown) => {
      assert.ok(e instanceof RestError)
      assert.deepEqual({ status: e.status, code: e.errorCode, message: e.message }, { status, code, message })
      return true
    }
  )

test('every kind of entry', () => {
  assert.deepEqual(
    parseOffsetResetRequest({
      data: [
        { topic_name: 'a', partition_id: 0, reset_to: 'EARLIEST' },
        { topic_name: 'a', reset_to: 'LATEST' },
        { topic_name: 'b', partition_id: 2, reset_to: 'OFFSET', offset: 42 },
        { topic_name: 'c', reset_to: 'TIMESTAMP', timestamp: '2026-01-31T12:00:00.250+01:00' }
      ],
      validate_only: true
    }),
    {
      validateOnly: true,
      entries: [
        { topic: 'a', partition: 0, target: { kind: 'earliest' } },
        { topic: 'a', target: { kind: 'latest' } },
        { topic: 'b', partition: 2, target: { kind: 'offset', offset: 42n } },
        { topic: 'c', target: { kind: 'timestamp', timestamp: Date.UTC(2026, 0, 31, 11, 0, 0, 250) } }
      ]
    }
  )
  assert.equal(parseOffsetResetRequest({ data: [{ topic_name: 'a', reset_to: 'LATEST' }] }).validateOnly, false)
})

test('refusals', () => {
  const one = (entry: Record<string, unknown>) => ({ data: [{ topic_name: 't', ...entry }] })
  fails(undefined, 422, 42206, 'Payload error. Null input provided. Data is required.')
  fails({}, 422, 42206, 'Payload error. Empty input provided. Data is required.')
  fails({ data: [] }, 422, 42206, 'Payload error. Empty input provided. Data is required.')
  fails([], 400, 400, 'Bad Request: the request body must be a JSON object')
  fails({ data: [], dry_run: true }, 422, 422, 'Unrecognized field: dry_run')
  fails(
    { ...one({ reset_to: 'LATEST' }), validate_only: 'yes' },
    400,
    400,
    'Bad Request: validate_only must be true or false'
  )
  fails({ data: ['t'] }, 400, 400, 'Bad Request: data[0] must be an object')
  fails({ data: [{ reset_to: 'LATEST' }] }, 400, 400, 'Bad Request: data[0].topic_name is required')
  fails(one({ reset_to: 'LATEST', group: 'g' }), 422, 422, 'Unrecognized field: group')
  fails(
    one({ reset_to: 'latest' }),
    400,
    400,
    'Bad Request: data[0].reset_to must be one of EARLIEST, LATEST, TIMESTAMP, OFFSET'
  )
  fails(one({ reset_to: 'OFFSET', offset: -1 }), 400, 400, 'Bad Request: data[0].offset must be a non-negative integer')
  fails(
    one({ reset_to: 'OFFSET', offset: '5' }),
    400,
    400,
    'Bad Request: data[0].offset must be a non-negative integer'
  )
  fails(
    one({ reset_to: 'EARLIEST', timestamp: 'x' }),
    400,
    400,
    'Bad Request: data[0].timestamp is not allowed with reset_to EARLIEST'
  )
  fails(
    one({ reset_to: 'TIMESTAMP', timestamp: 1700000000000 }),
    400,
    400,
    'Bad Request: data[0].timestamp must be an ISO-8601 date-time'
  )
  fails(
    one({ reset_to: 'LATEST', partition_id: 1.5 }),
    400,
    400,
    'Bad Request: data[0].partition_id must be a non-negative integer'
  )
})

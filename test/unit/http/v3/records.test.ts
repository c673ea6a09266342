import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errors } from '../../../../src/errors/codes.ts'
import { RestError } from '../../../../src/errors/rest-error.ts'
import { parseRecordRequest } from '../../../../src/http/v3/record-request.ts'
import { deliveryReport, reportPrefix, successLine } from '../../../../src/http/v3/records.ts'
import { type RecordResult } from '../../../../src/model/produce.ts'

test('the streamed report line is exactly the JSON of the report object', () => {
  const cases: [unknown, RecordResult][] = [
    [
      { value: { type: 'STRING', data: 'x' } },
      { ok: true, partition: 3, offset: 12345678901n, timestamp: 1612552482123 }
    ],
    [
      { key: { type: 'JSON', data: { a: 1 } }, value: { type: 'BINARY', data: 'AAE=' } },
      { ok: true, partition: 0, offset: 0n, timestamp: 1612552482000 }
    ],
    [{ key: { type: 'STRING', data: '' } }, { ok: true, partition: 1, offset: 5n, timestamp: 1 }],
    [
      { value: { type: 'STRING', data: 'x' } },
      { ok: false, error: new RestError(errors.topicNotFound, 'Topic "t" gone.') }
    ],
    [{ value: { type: 'STRING', data: 'x' } }, { ok: false, error: new RestError(errors.payload, 'Payload error. x') }]
  ]
  for (const [request, result] of cases) {
    const parsed = parseRecordRequest(request)
    const line = successLine(reportPrefix('clu"ster', 'to\\pic'), parsed, result)
    assert.ok(line.endsWith('\r\n'))
    assert.equal(line.slice(0, -2), JSON.stringify(deliveryReport('clu"ster', 'to\\pic', parsed, result)))
  }
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { essence, mediaTypes, negotiate } from '../../../src/http/media.ts'

const v2 = [{ type: mediaTypes.v2 }]
// The weights of GET /records upstream: binary qs=1, v2 0.9, the other embedded types 0.1.
const records = [{ type: mediaTypes.binaryV2 }, { type: mediaTypes.v2, qs: 0.9 }, { type: mediaTypes.jsonV2, qs: 0.1 }]

test('absent or wildcard Accept picks the server preference', () => {
  assert.equal(negotiate(undefined, v2), mediaTypes.v2)
  assert.equal(negotiate('', v2), mediaTypes.v2)
  assert.equal(negotiate('*/*', records), mediaTypes.binaryV2)
  assert.equal(negotiate('application/*', v2), mediaTypes.v2)
})

test('an exact type is honoured over server weights', () => {
  assert.equal(negotiate('application/vnd.kafka.json.v2+json', records), mediaTypes.jsonV2)
  assert.equal(negotiate('application/vnd.kafka.json.v2+json, */*;q=0.01', records), mediaTypes.jsonV2)
})

test('no acceptable type gives undefined (406)', () => {
  assert.equal(negotiate('text/plain', v2), undefined)
  assert.equal(negotiate('application/json', v2), undefined)
  assert.equal(negotiate('application/vnd.kafka.v2+json;q=0', v2), undefined)
})

test('the most specific range decides', () => {
  assert.equal(negotiate('*/*;q=0.5, application/vnd.kafka.v2+json;q=0', v2), undefined)
})

test('essence strips parameters and case', () => {
  assert.equal(essence('Application/JSON; charset=UTF-8'), 'application/json')
  assert.equal(essence(undefined), '')
})

test('answers are kept per offer list: the same header gets each list its own answer, again and again', () => {
  const json = [{ type: mediaTypes.json }]
  for (let i = 0; i < 3; i++) {
    assert.equal(negotiate('application/json', json), mediaTypes.json)
    assert.equal(negotiate('application/json', v2), undefined)
    assert.equal(negotiate('*/*', records), mediaTypes.binaryV2)
    assert.equal(negotiate('*/*', v2), mediaTypes.v2)
  }
  // Many distinct headers: the bounded store starts over and answers stay right.
  for (let i = 0; i < 600; i++) assert.equal(negotiate(`application/json;x=${i}`, json), mediaTypes.json)
  assert.equal(negotiate('text/plain', json), undefined)
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RestError } from '../../../../src/errors/rest-error.ts'
import {
  aclFromBody,
  aclQueryString,
  aclsFromBatch,
  deleteFilter,
  searchFilter
} from '../../../../src/http/v3/acl-params.ts'

const fails = (fn: () => unknown, status: number, code: number, message: string) =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof RestError)
    assert.deepEqual({ status: e.status, code: e.errorCode, message: e.message }, { status, code, message })
    return true
  })

test('search: enums default to ANY, parse case-insensitively, empty strings match anything', () => {
  assert.deepEqual(searchFilter({}), {
    resourceType: 'ANY',
    resourceName: null,
    patternType: 'ANY',
    principal: null,
    host: null,
    operation: 'ANY',
    permission: 'ANY'
  })
  assert.deepEqual(
    searchFilter({
      resource_type: 'topic',
      resource_name: 't',
      pattern_type: 'Match',
      principal: '',
      host: '*',
      operation: 'read',
      permission: ['deny', 'allow']
    }),
    {
      resourceType: 'TOPIC',
      resourceName: 't',
      patternType: 'MATCH',
      principal: null,
      host: '*',
      operation: 'READ',
      permission: 'DENY'
    }
  )
  fails(() => searchFilter({ resource_type: 'teapot' }), 404, 404, 'HTTP 404 Not Found')
  fails(() => searchFilter({ pattern_type: '' }), 404, 404, 'HTTP 404 Not Found')
  fails(() => searchFilter({ permission: 'unknown' }), 400, 400, 'Bad Request: permission cannot be UNKNOWN')
})

test('delete: the four enums are mandatory, checked in order; ANY is allowed', () => {
  fails(() => deleteFilter({}), 400, 400, 'Bad Request: resource_type cannot be unspecified or UNKNOWN')
  fails(
    () => deleteFilter({ resource_type: 'ANY' }),
    400,
    400,
    'Bad Request: pattern_type cannot be unspecified or UNKNOWN'
  )
  fails(
    () => deleteFilter({ resource_type: 'ANY', pattern_type: 'ANY', operation: 'ALL' }),
    400,
    400,
    'Bad Request: permission cannot be unspecified or UNKNOWN'
  )
  // An unparsable value fails before any rule (JAX-RS converts all parameters first).
  fails(() => deleteFilter({ permission: 'x' }), 404, 404, 'HTTP 404 Not Found')
  assert.equal(
    deleteFilter({ resource_type: 'ANY', pattern_type: 'ANY', operation: 'ANY', permission: 'ANY' }).resourceType,
    'ANY'
  )
})

const body = {
  resource_type: 'TOPIC',
  resource_name: 'orders',
  pattern_type: 'LITERAL',
  principal: 'User:alice',
  host: '*',
  operation: 'READ',
  permission: 'ALLOW'
}

test('create: all seven fields, no ANY/UNKNOWN, no MATCH pattern', () => {
  assert.deepEqual(aclFromBody({ ...body, operation: 'write' }), {
    resourceType: 'TOPIC',
    resourceName: 'orders',
    patternType: 'LITERAL',
    principal: 'User:alice',
    host: '*',
    operation: 'WRITE',
    permission: 'ALLOW'
  })
  fails(() => aclFromBody({ ...body, resource_type: 'ANY' }), 400, 400, 'Bad Request: resource_type cannot be ANY')
  fails(() => aclFromBody({ ...body, pattern_type: 'match' }), 400, 400, 'Bad Request: pattern_type cannot be MATCH')
  fails(() => aclFromBody({ ...body, operation: 'UNKNOWN' }), 400, 400, 'Bad Request: operation cannot be UNKNOWN')
  fails(() => aclFromBody({ ...body, host: null }), 400, 400, 'Bad Request: host is required')
  fails(() => aclFromBody({ ...body, host: 1 }), 400, 400, 'Bad Request: host must be a string')
  fails(() => aclFromBody([body]), 400, 400, 'Bad Request: the request body must be a JSON object')
  fails(() => aclFromBody({ ...body, x: 1 }), 422, 422, 'Unrecognized field: x')
  fails(
    () => aclFromBody({ ...body, permission: 'maybe' }),
    400,
    400,
    'Bad Request: permission "maybe" is not one of UNKNOWN, ANY, DENY, ALLOW'
  )
})

test('batch: {"data":[...]}, with entry positions in messages', () => {
  assert.equal(aclsFromBatch({ data: [body, body] }).length, 2)
  assert.deepEqual(aclsFromBatch({ data: [] }), [])
  fails(() => aclsFromBatch(undefined), 422, 42206, 'Payload error. Null input provided. Data is required.')
  fails(() => aclsFromBatch({}), 422, 42206, 'Payload error. Empty input provided. Data is required.')
  fails(() => aclsFromBatch({ data: [body], more: 1 }), 422, 422, 'Unrecognized field: more')
  fails(
    () => aclsFromBatch({ data: [body, { ...body, principal: undefined }] }),
    400,
    400,
    'Bad Request: data[1].principal is required'
  )
})

test("the ACL search URL query, encoded as Java's URLEncoder", () => {
  assert.equal(
    aclQueryString({ ...aclFromBody(body), resourceName: "a b!~'()*._-ü", host: '10.0.0.1' }),
    'resource_type=TOPIC&resource_name=a+b%21%7E%27%28%29*._-%C3%BC&pattern_type=LITERAL&principal=User%3Aalice&host=10.0.0.1&operation=READ&permission=ALLOW'
  )
  assert.equal(
    aclQueryString(searchFilter({})),
    'resource_type=ANY&resource_name=&pattern_type=ANY&principal=&host=&operation=ANY&permission=ANY'
  )
})

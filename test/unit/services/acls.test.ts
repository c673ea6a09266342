import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Acl } from '../../../src/model/acl.ts'
import { compareAcls } from '../../../src/services/acls.ts'

const acl = (fields: Partial<Acl>): Acl => ({
  resourceType: 'TOPIC',
  resourceName: 't',
  patternType: 'LITERAL',
  principal: 'User:a',
  host: '*',
  operation: 'READ',
  permission: 'ALLOW',
  ...fields
})

test("ACLs sort by all seven fields; enums in kafka-rest's declaration order, not alphabetically", () => {
  const list = [
    acl({ resourceType: 'CLUSTER' }),
    acl({ permission: 'DENY' }),
    acl({ operation: 'WRITE' }),
    acl({ operation: 'ALL' }),
    acl({ host: '10.0.0.1' }),
    acl({ principal: 'User:B' }),
    acl({ patternType: 'PREFIXED' }),
    acl({ resourceName: 'T' }),
    acl({ resourceType: 'GROUP' }),
    acl({})
  ]
  const keys = [...list]
    .sort(compareAcls)
    .map(a => [a.resourceType, a.resourceName, a.patternType, a.principal, a.host, a.operation, a.permission].join(' '))
  assert.deepEqual(keys, [
    'TOPIC T LITERAL User:a * READ ALLOW',
    'TOPIC t LITERAL User:B * READ ALLOW',
    'TOPIC t LITERAL User:a * ALL ALLOW',
    'TOPIC t LITERAL User:a * READ DENY',
    'TOPIC t LITERAL User:a * READ ALLOW',
    'TOPIC t LITERAL User:a * WRITE ALLOW',
    'TOPIC t LITERAL User:a 10.0.0.1 READ ALLOW',
    'TOPIC t PREFIXED User:a * READ ALLOW',
    'GROUP t LITERAL User:a * READ ALLOW',
    'CLUSTER t LITERAL User:a * READ ALLOW'
  ])
})

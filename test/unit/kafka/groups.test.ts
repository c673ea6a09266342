// The group and ACL facades without a broker: state names, the ConsumerGroupDescribe codec, and the deadline
// that bounds every operation.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { encodeConsumerProtocolAssignment, Reader, Writer } from '@platformatic/kafka'
import { RestError } from '../../../src/errors/rest-error.ts'
import { AclsFacade } from '../../../src/kafka/acls.ts'
import { KafkaClients } from '../../../src/kafka/clients.ts'
import { classicAssignment, readConsumerGroupDescribeResponse } from '../../../src/kafka/group-protocol.ts'
import { groupState, GroupsFacade } from '../../../src/kafka/groups.ts'

test("group states in Java's constant style", () => {
  assert.equal(groupState('PreparingRebalance'), 'PREPARING_REBALANCE')
  assert.equal(groupState('CompletingRebalance'), 'COMPLETING_REBALANCE')
  assert.equal(groupState('Stable'), 'STABLE')
  assert.equal(groupState('Assigning'), 'ASSIGNING')
  assert.equal(groupState(''), 'UNKNOWN')
})

// A ConsumerGroupDescribe response as the broker writes it (one group, one member).
function response(version: 0 | 1): Writer {
  const assignment = (w: Writer, partitions: number[]) =>
    w
      .appendArray(
        [{ id: '00000000-0000-0000-0000-000000000001', name: 'orders', partitions }],
        (w, t) =>
          w
            .appendUUID(t.id)
            .appendString(t.name)
            .appendArray(t.partitions, (w, p) => w.appendInt32(p), true, false)
            .appendTaggedFields(),
        true,
        false
      )
      .appendTaggedFields()
  return Writer.create()
    .appendInt32(0)
    .appendArray(
      [0],
      w => {
        w.appendInt16(0)
          .appendString(null)
          .appendString('g')
          .appendString('Stable')
          .appendInt32(3)
          .appendInt32(3)
          .appendString('uniform')
          .appendArray(
            [0],
            w => {
              w.appendString('member-1')
                .appendString('static-1')
                .appendString(null)
                .appendInt32(3)
                .appendString('client-1')
                .appendString('/127.0.0.1')
                .appendArray(['orders'], (w, t) => w.appendString(t), true, false)
                .appendString(null)
              assignment(w, [0, 2])
              assignment(w, [0, 1, 2])
              if (version >= 1) w.appendInt8(1)
              w.appendTaggedFields()
            },
            true,
            false
          )
          .appendInt32(-2147483648)
          .appendTaggedFields()
      },
      true,
      false
    )
    .appendTaggedFields()
}

test('ConsumerGroupDescribe v0 and v1 responses decode; v1 carries the member type', () => {
  for (const version of [0, 1] as const) {
    assert.deepEqual(readConsumerGroupDescribeResponse(version, Reader.from(response(version))), [
      {
        errorCode: 0,
        errorMessage: null,
        groupId: 'g',
        groupState: 'Stable',
        assignorName: 'uniform',
        members: [
          {
            memberId: 'member-1',
            instanceId: 'static-1',
            clientId: 'client-1',
            assignment: [
              { topic: 'orders', partition: 0 },
              { topic: 'orders', partition: 2 }
            ],
            memberType: version === 1 ? 1 : -1
          }
        ]
      }
    ])
  }
})

test('a classic member assignment decodes from the consumer protocol; garbage or none is no assignment', () => {
  const bytes = encodeConsumerProtocolAssignment({
    version: 0,
    assignedPartitions: [{ topic: 't', partitions: [1, 0] }]
  })
  assert.deepEqual(classicAssignment(bytes), [
    { topic: 't', partition: 0 },
    { topic: 't', partition: 1 }
  ])
  assert.deepEqual(classicAssignment(Buffer.alloc(0)), [])
  assert.deepEqual(classicAssignment(Buffer.from([0, 0, 0xff, 0xff, 0xff])), [])
})

test('every group and ACL operation is bounded by kafka.operation.timeout.ms', async () => {
  const never = () => new Promise(() => {})
  const clients = new KafkaClients({
    admin: { bootstrapBrokers: ['unused:1'], clientId: 'test' },
    operationTimeoutMs: 30
  })
  Object.defineProperty(clients, 'admin', { value: new Proxy({}, { get: () => never }) })
  const groups = new GroupsFacade(clients)
  const acls = new AclsFacade(clients)
  const filter = {
    resourceType: 'ANY',
    resourceName: null,
    patternType: 'ANY',
    principal: null,
    host: null,
    operation: 'ANY',
    permission: 'ANY'
  } as const
  const operations: [string, () => Promise<unknown>][] = [
    ['list consumer groups', () => groups.list()],
    ['describe consumer groups', () => groups.describe(['g'])],
    ['list consumer group offsets', () => groups.committedOffsets('g')],
    ['list offsets', () => groups.offsets([{ topic: 't', partition: 0 }], 'latest')],
    ['alter consumer group offsets', () => groups.alterOffsets('g', [{ topic: 't', partition: 0, offset: 0n }])],
    ['delete consumer group', () => groups.delete('g')],
    ['describe ACLs', () => acls.describe(filter)],
    [
      'create ACLs',
      () =>
        acls.create([
          {
            ...filter,
            resourceType: 'TOPIC',
            resourceName: 't',
            patternType: 'LITERAL',
            principal: 'User:a',
            host: '*',
            operation: 'READ',
            permission: 'ALLOW'
          }
        ])
    ],
    ['delete ACLs', () => acls.delete(filter)]
  ]
  for (const [what, operation] of operations) {
    await assert.rejects(operation(), (e: unknown) => {
      assert.ok(e instanceof RestError, what)
      assert.deepEqual(
        [e.status, e.errorCode, e.message],
        [500, 50003, `Timed out after 30 ms waiting for Kafka (${what}).`]
      )
      return true
    })
  }
})

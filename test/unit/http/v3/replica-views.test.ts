import assert from 'node:assert/strict'
import { test } from 'node:test'
import { reassignmentView, replicaView } from '../../../../src/http/v3/replica-views.ts'
import { links } from '../../../../src/http/v3/urls.ts'

const l = links('http://h:8082', '')
const base = 'http://h:8082/v3/clusters/C/topics/t%2F1'

test('a reassignment alone is ".../reassignment"; inside a list ".../reassignments" (self and CRN)', () => {
  const r = { topic: 't/1', partition: 4, replicas: [2, 3, 1], addingReplicas: [2, 3], removingReplicas: [1] }
  const alone = reassignmentView(l, 'C', r, false)
  assert.deepEqual(alone, {
    kind: 'KafkaReassignment',
    metadata: {
      self: `${base}/partitions/4/reassignment`,
      resource_name: 'crn:///kafka=C/topic=t/1/partition=4/reassignment'
    },
    cluster_id: 'C',
    topic_name: 't/1',
    partition_id: 4,
    adding_replicas: [2, 3],
    removing_replicas: [1],
    replicas: { related: `${base}/partitions/4/replicas` }
  })
  const listed = reassignmentView(l, 'C', r, true)
  assert.equal(listed.metadata.self, `${base}/partitions/4/reassignments`)
  assert.equal(listed.metadata.resource_name, 'crn:///kafka=C/topic=t/1/partition=4/reassignments')
})

test('a replica links its broker', () => {
  assert.deepEqual(replicaView(l, 'C', { topic: 't', partition: 0, brokerId: 3, isLeader: false, inSync: true }), {
    kind: 'KafkaReplica',
    metadata: {
      self: 'http://h:8082/v3/clusters/C/topics/t/partitions/0/replicas/3',
      resource_name: 'crn:///kafka=C/topic=t/partition=0/replica=3'
    },
    cluster_id: 'C',
    topic_name: 't',
    partition_id: 0,
    broker_id: 3,
    is_leader: false,
    is_in_sync: true,
    broker: { related: 'http://h:8082/v3/clusters/C/brokers/3' }
  })
})

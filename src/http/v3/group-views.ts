// Consumer group model → v3 JSON (KafkaConsumerGroup, KafkaConsumer, KafkaConsumerAssignment, KafkaConsumerLag,
// KafkaConsumerGroupLagSummary), with kafka-rest's self URLs and CRNs.
import {
  type ConsumerGroup,
  type ConsumerLag,
  type GroupMember,
  type LagSummary,
  type OffsetChange,
  type TopicPartition
} from '../../model/consumer-group.ts'
import { type Links, related } from './urls.ts'

const groupPath = (cid: string, gid: string) => ['clusters', cid, 'consumer-groups', gid] as const

export function consumerGroupView(l: Links, cid: string, g: ConsumerGroup) {
  const base = groupPath(cid, g.id)
  return {
    kind: 'KafkaConsumerGroup',
    metadata: { self: l.url(...base), resource_name: l.crn(['kafka', cid], ['consumer-group', g.id]) },
    cluster_id: cid,
    consumer_group_id: g.id,
    is_simple: g.isSimple,
    partition_assignor: g.partitionAssignor,
    state: g.state,
    type: g.type,
    is_mixed_consumer_group: g.isMixed,
    coordinator: related(l.url('clusters', cid, 'brokers', g.coordinatorId)),
    consumers: related(l.url(...base, 'consumers')),
    lag_summary: related(l.url(...base, 'lag-summary'))
  }
}

export function consumerView(l: Links, cid: string, gid: string, m: GroupMember) {
  const base = [...groupPath(cid, gid), 'consumers', m.consumerId] as const
  return {
    kind: 'KafkaConsumer',
    metadata: {
      self: l.url(...base),
      resource_name: l.crn(['kafka', cid], ['consumer-group', gid], ['consumer', m.consumerId])
    },
    cluster_id: cid,
    consumer_group_id: gid,
    consumer_id: m.consumerId,
    instance_id: m.instanceId,
    client_id: m.clientId,
    assignments: related(l.url(...base, 'assignments'))
  }
}

export function assignmentView(l: Links, cid: string, gid: string, consumerId: string, a: TopicPartition) {
  return {
    kind: 'KafkaConsumerAssignment',
    metadata: {
      self: l.url(...groupPath(cid, gid), 'consumers', consumerId, 'assignments', a.topic, 'partitions', a.partition),
      resource_name: l.crn(
        ['kafka', cid],
        ['consumer-group', gid],
        ['consumer', consumerId],
        ['assignment', a.topic],
        ['partition', a.partition]
      )
    },
    cluster_id: cid,
    consumer_group_id: gid,
    consumer_id: consumerId,
    topic_name: a.topic,
    partition_id: a.partition,
    partition: related(l.url('clusters', cid, 'topics', a.topic, 'partitions', a.partition)),
    lag: related(l.url(...groupPath(cid, gid), 'lags', a.topic, 'partitions', a.partition))
  }
}

export function lagView(l: Links, cid: string, gid: string, lag: ConsumerLag) {
  return {
    kind: 'KafkaConsumerLag',
    metadata: {
      self: l.url(...groupPath(cid, gid), 'lags', lag.topic, 'partitions', lag.partition),
      resource_name: l.crn(['kafka', cid], ['consumer-group', gid], ['lag', lag.topic], ['partition', lag.partition])
    },
    cluster_id: cid,
    consumer_group_id: gid,
    topic_name: lag.topic,
    partition_id: lag.partition,
    consumer_id: lag.consumerId,
    instance_id: lag.instanceId,
    client_id: lag.clientId,
    current_offset: Number(lag.currentOffset),
    log_end_offset: Number(lag.logEndOffset),
    lag: Number(lag.lag)
  }
}

export function lagSummaryView(l: Links, cid: string, gid: string, s: LagSummary) {
  const base = groupPath(cid, gid)
  return {
    kind: 'KafkaConsumerGroupLagSummary',
    metadata: {
      self: l.url(...base, 'lag-summary'),
      resource_name: `${l.crn(['kafka', cid], ['consumer-group', gid])}/lag-summary`
    },
    cluster_id: cid,
    consumer_group_id: gid,
    max_lag_consumer_id: s.max.consumerId,
    max_lag_instance_id: s.max.instanceId,
    max_lag_client_id: s.max.clientId,
    max_lag_topic_name: s.max.topic,
    max_lag_partition_id: s.max.partition,
    max_lag: Number(s.max.lag),
    total_lag: Number(s.totalLag),
    max_lag_consumer: related(l.url(...base, 'consumers', s.max.consumerId)),
    max_lag_partition: related(l.url('clusters', cid, 'topics', s.max.topic, 'partitions', s.max.partition))
  }
}

// Our extension (POST .../offsets:reset): the offsets the group has (or, validate_only, would have) now.
export function offsetChangesView(cid: string, gid: string, validateOnly: boolean, changes: OffsetChange[]) {
  return {
    cluster_id: cid,
    consumer_group_id: gid,
    validate_only: validateOnly,
    data: changes.map(c => ({
      topic_name: c.topic,
      partition_id: c.partition,
      previous_offset: c.previousOffset === null ? null : Number(c.previousOffset),
      offset: Number(c.offset)
    }))
  }
}

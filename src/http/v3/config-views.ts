// Config entries → v3 JSON for the three config resources. Field order follows Confluent's entities: the
// owner (topic_name / broker_id / config_type) right after cluster_id, then the config itself.
import { type ConfigEntry } from '../../model/cluster.ts'
import { type Links } from './urls.ts'

function configFields(c: ConfigEntry) {
  return {
    name: c.name,
    value: c.value,
    is_default: c.isDefault,
    is_read_only: c.isReadOnly,
    is_sensitive: c.isSensitive,
    source: c.source,
    synonyms: c.synonyms.map(s => ({ name: s.name, value: s.value, source: s.source }))
  }
}

export function topicConfigView(l: Links, cid: string, topic: string, c: ConfigEntry) {
  return {
    kind: 'KafkaTopicConfig',
    metadata: {
      self: l.url('clusters', cid, 'topics', topic, 'configs', c.name),
      resource_name: l.crn(['kafka', cid], ['topic', topic], ['config', c.name])
    },
    cluster_id: cid,
    topic_name: topic,
    ...configFields(c)
  }
}

export function brokerConfigView(l: Links, cid: string, brokerId: number, c: ConfigEntry) {
  return {
    kind: 'KafkaBrokerConfig',
    metadata: {
      self: l.url('clusters', cid, 'brokers', brokerId, 'configs', c.name),
      resource_name: l.crn(['kafka', cid], ['broker', brokerId], ['config', c.name])
    },
    cluster_id: cid,
    broker_id: brokerId,
    ...configFields(c)
  }
}

// A dynamic cluster-wide broker default (the /broker-configs resource; config_type is always BROKER).
export function clusterConfigView(l: Links, cid: string, c: ConfigEntry) {
  return {
    kind: 'KafkaClusterConfig',
    metadata: {
      self: l.url('clusters', cid, 'broker-configs', c.name),
      resource_name: l.crn(['kafka', cid], ['broker-config', c.name])
    },
    cluster_id: cid,
    config_type: 'BROKER',
    ...configFields(c)
  }
}

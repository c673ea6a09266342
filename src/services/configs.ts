// Version-neutral config operations on topics, brokers and the cluster-wide broker defaults (the managers
// behind the v3 config resources). Existence checks mirror Confluent's: a change of a topic or broker config
// first describes the resource and answers 404 for a name it does not have; the cluster-wide defaults are
// written unchecked (Kafka itself accepts any name there) and list only what is set dynamically.
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { type ConfigAdmin } from '../kafka/configs.ts'
import { type ConfigChange, type ConfigResource, type TopicFailure } from '../model/admin.ts'
import { type ConfigEntry } from '../model/cluster.ts'
import { type MetadataService } from './metadata.ts'

export interface ConfigService {
  // Sorted by name. Cluster: only the dynamically set cluster-wide defaults.
  list(clusterId: string, resource: ConfigResource): Promise<ConfigEntry[]>
  // 404 when the resource has no config of that name.
  get(clusterId: string, resource: ConfigResource, name: string): Promise<ConfigEntry>
  update(clusterId: string, resource: ConfigResource, name: string, value: string | null): Promise<void>
  reset(clusterId: string, resource: ConfigResource, name: string): Promise<void>
  alter(clusterId: string, resource: ConfigResource, changes: ConfigChange[], validateOnly: boolean): Promise<void>
  // Every non-internal topic (sorted) with its configs.
  listAllTopics(clusterId: string): Promise<{ topic: string; configs: ConfigEntry[] }[]>
  // Every broker (by id) with its configs.
  listAllBrokers(clusterId: string): Promise<{ brokerId: number; configs: ConfigEntry[] }[]>
  // All topics are checked first (404 for an unknown topic or config name); then each topic's change
  // succeeds or fails on its own and the failures are returned.
  alterTopics(
    clusterId: string,
    entries: { topic: string; changes: ConfigChange[] }[],
    validateOnly: boolean
  ): Promise<TopicFailure[]>
}

// Confluent formats Kafka's ConfigResource type enum here, hence the upper case (e.g. "... for TOPIC t ...").
export function configNotFound(clusterId: string, resource: ConfigResource, name: string): RestError {
  const [type, id] =
    resource.kind === 'topic'
      ? ['TOPIC', resource.topic]
      : resource.kind === 'broker'
        ? ['BROKER', `${resource.brokerId}`]
        : ['BROKER', '']
  return new RestError(errors.notFound, `Config ${name} cannot be found for ${type} ${id} in cluster ${clusterId}.`)
}

// Changes of the same topic given in several entries are applied together, in order.
export function mergeByTopic(entries: { topic: string; changes: ConfigChange[] }[]) {
  const merged = new Map<string, ConfigChange[]>()
  for (const { topic, changes } of entries) merged.set(topic, [...(merged.get(topic) ?? []), ...changes])
  return [...merged].map(([topic, changes]) => ({ topic, changes }))
}

function requireNames(clusterId: string, resource: ConfigResource, configs: ConfigEntry[], names: string[]) {
  const known = new Set(configs.map(c => c.name))
  const missing = names.find(n => !known.has(n))
  if (missing !== undefined) throw configNotFound(clusterId, resource, missing)
}

export function createConfigService(metadata: MetadataService, admin: ConfigAdmin): ConfigService {
  // The cluster, and for a broker resource the broker, must exist. Kafka would let a describe of an unknown
  // broker wait for that broker to appear; a 404 is the useful answer.
  const check = async (clusterId: string, resource: ConfigResource) => {
    const cluster = await metadata.requireCluster(clusterId)
    if (resource.kind === 'broker' && !cluster.brokers.some(b => b.id === resource.brokerId)) {
      throw new RestError(errors.notFound, `Broker ${resource.brokerId} cannot be found.`)
    }
    return cluster
  }

  const list = async (clusterId: string, resource: ConfigResource) => {
    await check(clusterId, resource)
    return admin.describe(resource)
  }

  // Topic and broker configs are checked by name before a change; cluster-wide defaults are not.
  const change = async (
    clusterId: string,
    resource: ConfigResource,
    changes: ConfigChange[],
    validateOnly: boolean
  ) => {
    if (resource.kind === 'cluster') await check(clusterId, resource)
    else
      requireNames(
        clusterId,
        resource,
        await list(clusterId, resource),
        changes.map(c => c.name)
      )
    if (changes.length > 0) await admin.alter(resource, changes, validateOnly)
  }

  return {
    list,
    async get(clusterId, resource, name) {
      const found = (await list(clusterId, resource)).find(c => c.name === name)
      if (!found) throw new RestError(errors.notFound)
      return found
    },
    update: (clusterId, resource, name, value) =>
      change(clusterId, resource, [{ name, value, operation: 'SET' }], false),
    reset: (clusterId, resource, name) =>
      change(clusterId, resource, [{ name, value: null, operation: 'DELETE' }], false),
    alter: change,
    async listAllTopics(clusterId) {
      await metadata.requireCluster(clusterId)
      const topics = (await metadata.listTopics()).map(t => t.name)
      const configs = await admin.describeTopics(topics)
      return topics.filter(t => configs.has(t)).map(topic => ({ topic, configs: configs.get(topic)! }))
    },
    async listAllBrokers(clusterId) {
      const cluster = await metadata.requireCluster(clusterId)
      return Promise.all(
        cluster.brokers.map(async b => ({
          brokerId: b.id,
          configs: await admin.describe({ kind: 'broker', brokerId: b.id })
        }))
      )
    },
    async alterTopics(clusterId, entries, validateOnly) {
      await metadata.requireCluster(clusterId)
      const merged = mergeByTopic(entries)
      const configs = await admin.describeTopics(
        merged.map(e => e.topic),
        false
      )
      for (const { topic, changes } of merged) {
        const resource: ConfigResource = { kind: 'topic', topic }
        const current = configs.get(topic)
        if (!current) throw new RestError(errors.unknownTopicOrPartition)
        requireNames(
          clusterId,
          resource,
          current,
          changes.map(c => c.name)
        )
      }
      return admin.alterTopics(merged, validateOnly)
    }
  }
}

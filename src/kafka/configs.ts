// Topic, broker and cluster-wide broker configs: DescribeConfigs (with synonyms) and IncrementalAlterConfigs
// (SET/DELETE, KIP-339), sent with protocol.ts so that the cluster-wide defaults reach a real broker and
// per-resource errors stay attributable to their resource.
import {
  type Admin,
  ConfigResourceTypes,
  IncrementalAlterConfigOperationTypes,
  ProtocolError
} from '@platformatic/kafka'
import { type ConfigChange, type ConfigResource, type TopicFailure } from '../model/admin.ts'
import { type ConfigEntry } from '../model/cluster.ts'
import { type KafkaClients } from './clients.ts'
import { toRestError, withDeadline } from './errors.ts'
import { callApi, type Target } from './protocol.ts'

// Kafka's config source ids → Confluent's ConfigSource names; sources Confluent does not know are UNKNOWN.
const sourceNames: Readonly<Record<number, string>> = {
  1: 'DYNAMIC_TOPIC_CONFIG',
  2: 'DYNAMIC_BROKER_CONFIG',
  3: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  4: 'STATIC_BROKER_CONFIG',
  5: 'DEFAULT_CONFIG',
  6: 'DYNAMIC_BROKER_LOGGER_CONFIG'
}
const DEFAULT_CONFIG = 5
const UNKNOWN_TOPIC_OR_PARTITION = 3

export const sourceName = (source: number): string => sourceNames[source] ?? 'UNKNOWN'

interface RawConfig {
  name: string
  value: string | null
  readOnly: boolean
  configSource: number
  isSensitive: boolean
  synonyms: { name: string; value: string | null; source: number }[]
}
interface DescribeResult {
  errorCode: number
  errorMessage: string | null
  resourceName: string
  configs: RawConfig[]
}
interface AlterResult {
  errorCode: number
  errorMessage: string | null
  resourceName: string
}

export function toConfigEntry(c: RawConfig): ConfigEntry {
  return {
    name: c.name,
    value: c.isSensitive ? null : c.value,
    isDefault: c.configSource === DEFAULT_CONFIG,
    isReadOnly: c.readOnly,
    isSensitive: c.isSensitive,
    source: sourceName(c.configSource),
    synonyms: c.synonyms.map(s => ({
      name: s.name,
      value: c.isSensitive ? null : s.value,
      source: sourceName(s.source)
    }))
  }
}

const byName = (a: ConfigEntry, b: ConfigEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

function wire(resource: ConfigResource): { resourceType: number; resourceName: string } {
  if (resource.kind === 'topic') return { resourceType: ConfigResourceTypes.TOPIC, resourceName: resource.topic }
  if (resource.kind === 'broker')
    return { resourceType: ConfigResourceTypes.BROKER, resourceName: `${resource.brokerId}` }
  return { resourceType: ConfigResourceTypes.BROKER, resourceName: '' }
}

const target = (resource: ConfigResource): Target =>
  resource.kind === 'broker' ? { brokerId: resource.brokerId } : 'any'

const wireChanges = (changes: ConfigChange[]) =>
  changes.map(c => ({
    name: c.name,
    configOperation: IncrementalAlterConfigOperationTypes[c.operation],
    value: c.operation === 'SET' ? c.value : null
  }))

export class ConfigAdmin {
  readonly #clients: KafkaClients

  constructor(clients: KafkaClients) {
    this.#clients = clients
  }

  #call<T>(what: string, api: string, to: Target, args: unknown[], perItemErrors = false): Promise<T> {
    const admin: Admin = this.#clients.admin
    return withDeadline(callApi<T>(admin, api, to, args, { perItemErrors }), this.#clients.operationTimeoutMs, what)
  }

  // All configs of one resource, sorted by name. A missing topic is 404/40403 (Kafka's error).
  async describe(resource: ConfigResource): Promise<ConfigEntry[]> {
    const { results } = await this.#call<{ results: DescribeResult[] }>(
      'describe configs',
      'DescribeConfigs',
      target(resource),
      [[{ ...wire(resource), configurationKeys: null }], true, false]
    )
    return (results[0]?.configs ?? []).map(toConfigEntry).sort(byName)
  }

  // The configs of many topics in one request. With `skipMissing` (listing all topics) topics deleted meanwhile
  // are left out, else they fail the call with 40403 like any other per-topic error (e.g. no DESCRIBE_CONFIGS
  // permission).
  async describeTopics(topics: string[], skipMissing = true): Promise<Map<string, ConfigEntry[]>> {
    const result = new Map<string, ConfigEntry[]>()
    if (topics.length === 0) return result
    const resources = topics.map(topic => ({ ...wire({ kind: 'topic', topic }), configurationKeys: null }))
    const response = await this.#call<{ results: DescribeResult[] }>(
      'describe configs',
      'DescribeConfigs',
      'any',
      [resources, true, false],
      true
    )
    for (const r of response.results) {
      if (skipMissing && r.errorCode === UNKNOWN_TOPIC_OR_PARTITION) continue
      if (r.errorCode !== 0) throw toRestError(itemError(r), `describe configs of ${r.resourceName}`)
      result.set(r.resourceName, r.configs.map(toConfigEntry).sort(byName))
    }
    return result
  }

  // One atomic change of one resource (Kafka applies all of its changes or none).
  async alter(resource: ConfigResource, changes: ConfigChange[], validateOnly: boolean): Promise<void> {
    await this.#call('alter configs', 'IncrementalAlterConfigs', target(resource), [
      [{ ...wire(resource), configs: wireChanges(changes) }],
      validateOnly
    ])
  }

  // Changes of many topics in one request; each topic succeeds or fails on its own.
  async alterTopics(
    entries: { topic: string; changes: ConfigChange[] }[],
    validateOnly: boolean
  ): Promise<TopicFailure[]> {
    if (entries.length === 0) return []
    const resources = entries.map(e => ({
      ...wire({ kind: 'topic', topic: e.topic }),
      configs: wireChanges(e.changes)
    }))
    const response = await this.#call<{ responses: AlterResult[] }>(
      'alter configs',
      'IncrementalAlterConfigs',
      'any',
      [resources, validateOnly],
      true
    )
    return response.responses
      .filter(r => r.errorCode !== 0)
      .map(r => ({ topic: r.resourceName, error: toRestError(itemError(r), 'alter configs') }))
  }
}

// The client's own error for one item of a response, so that toRestError maps it like any other.
const itemError = (item: { errorCode: number; errorMessage?: string | null }) =>
  new ProtocolError(item.errorCode, item.errorMessage || null)

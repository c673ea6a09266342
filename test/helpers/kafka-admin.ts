// Reading admin state back from Kafka with the plain client, independent of the proxy: what a test changed
// through the REST API must be visible here.
import { type TestContext } from 'node:test'
import {
  Admin,
  alterPartitionReassignmentsV0,
  ConfigResourceTypes,
  describeConfigsV4,
  IncrementalAlterConfigOperationTypes,
  kGetBootstrapConnection
} from '@platformatic/kafka'
import { bootstrapServers } from './kafka.ts'

export function rawAdmin(t: TestContext, bootstrap: string = bootstrapServers()): Admin {
  const admin = new Admin({ clientId: 'test-readback', bootstrapBrokers: bootstrap.split(','), retries: 2 })
  t.after(() => admin.close())
  return admin
}

export interface RawConfig {
  value: string | null
  source: number
  synonyms: { name: string; value: string | null; source: number }[]
}

// name → value/source of a topic's or a broker's configs (config source ids as Kafka sends them: 1 dynamic
// topic, 2 dynamic broker, 3 dynamic cluster-wide default, 4 static, 5 default).
export async function describeConfigs(
  admin: Admin,
  resource: { topic: string } | { broker: number }
): Promise<Map<string, RawConfig>> {
  const [description] = await admin.describeConfigs({
    resources: [
      'topic' in resource
        ? { resourceType: ConfigResourceTypes.TOPIC, resourceName: resource.topic }
        : { resourceType: ConfigResourceTypes.BROKER, resourceName: String(resource.broker) }
    ],
    includeSynonyms: true
  })
  return new Map(
    description.configs.map(c => [
      c.name,
      {
        value: c.value ?? null,
        source: c.configSource,
        synonyms: c.synonyms.map(s => ({ name: s.name, value: s.value ?? null, source: s.source }))
      }
    ])
  )
}

// The topic's partitions (replicas, leader, ISR) as metadata shows them; undefined when it does not exist.
export async function topicMetadata(admin: Admin, topic: string) {
  if (!(await admin.listTopics({ includeInternals: true })).includes(topic)) return undefined
  try {
    return (await admin.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic)
  } catch (error) {
    // deleted between the two calls
    if (/unknown topic/i.test(String((error as Error).message))) return undefined
    throw error
  }
}

// Deletes topics a test created through the proxy; missing ones are fine.
export async function deleteTopics(admin: Admin, topics: string[]): Promise<void> {
  await Promise.allSettled(topics.map(topic => admin.deleteTopics({ topics: [topic] })))
}

// Retries an assertion until it passes: a change acknowledged by the controller reaches the brokers' metadata
// (which describeConfigs and Metadata read) a moment later. The last failure is rethrown after `timeoutMs`.
export async function settles(assertion: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await assertion()
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  }
}

// Removes dynamic per-broker settings a test made (with a client of its own, so it works in any t.after).
export async function resetBrokerConfigs(brokerId: number, names: string[], bootstrap = bootstrapServers()) {
  const admin = new Admin({ clientId: 'test-cleanup', bootstrapBrokers: bootstrap.split(','), retries: 2 })
  try {
    await admin.incrementalAlterConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.BROKER,
          resourceName: String(brokerId),
          configs: names.map(name => ({ name, configOperation: IncrementalAlterConfigOperationTypes.DELETE }))
        }
      ]
    })
  } finally {
    await admin.close()
  }
}

// Starts (replicas) or cancels (null) a partition reassignment with the raw protocol API (KIP-455).
export async function alterReassignment(admin: Admin, topic: string, partition: number, replicas: number[] | null) {
  const internals = admin as unknown as Record<symbol, (cb: (error: Error | null, value: unknown) => void) => void>
  const connection = await new Promise((resolve, reject) =>
    internals[kGetBootstrapConnection]((error, value) => (error ? reject(error) : resolve(value)))
  )
  await alterPartitionReassignmentsV0.api.async(connection as never, 30_000, true, [
    { name: topic, partitions: [{ partitionIndex: partition, replicas }] }
  ])
}

// The dynamic cluster-wide broker defaults (name → value), read raw: the client's describeConfigs() sends the
// default resource (name "") to a broker 0.
export async function clusterDefaults(admin: Admin): Promise<Map<string, string | null>> {
  const internals = admin as unknown as Record<symbol, (cb: (error: Error | null, value: unknown) => void) => void>
  const connection = await new Promise((resolve, reject) =>
    internals[kGetBootstrapConnection]((error, value) => (error ? reject(error) : resolve(value)))
  )
  const response = await describeConfigsV4.api.async(
    connection as never,
    [{ resourceType: ConfigResourceTypes.BROKER, resourceName: '', configurationKeys: null }],
    false,
    false
  )
  return new Map(response.results[0].configs.map(c => [c.name, c.value ?? null]))
}

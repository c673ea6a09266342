// The admin operations the services use, returning model types. Metadata is read with one raw Metadata
// request (the client's high-level metadata() hides internal topics and turns a missing topic into a generic
// error); every call is bounded by the operation deadline.
import {
  type Admin,
  ConfigResourceTypes,
  ConfigSources,
  kGetApi,
  kGetBootstrapConnection,
  type metadataV12
} from '@platformatic/kafka'
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { type Cluster, type ConfigEntry, type Partition, type PartitionOffsets, type Topic } from '../model/cluster.ts'
import { type KafkaClients } from './clients.ts'
import { brokerErrorTable } from './error-table.ts'
import { errorNameOf } from './errors.ts'

type MetadataResponse = metadataV12.MetadataResponse
type Callback<T> = (error: Error | null, value?: T) => void
type MetadataApi = (
  connection: unknown,
  topics: string[] | null,
  autoCreate: boolean,
  authorizedOps: boolean,
  cb: Callback<MetadataResponse>
) => void
interface Internals {
  [kGetBootstrapConnection](cb: Callback<unknown>): void
  [kGetApi](name: 'Metadata', cb: Callback<MetadataApi>): void
}

function rawMetadata(admin: Admin, topics: string[] | null): Promise<MetadataResponse> {
  const internals = admin as unknown as Internals
  return new Promise((resolve, reject) => {
    internals[kGetBootstrapConnection]((error, connection) => {
      if (error) return reject(error)
      internals[kGetApi]('Metadata', (error, api) => {
        if (error || !api) return reject(error ?? new Error('Metadata API unavailable'))
        api(connection, topics, false, false, (error, response) => {
          // Per-topic errors arrive as a ResponseError that still carries the parsed response: callers
          // look at each topic's errorCode themselves.
          const partial = (error as { response?: MetadataResponse } | null)?.response
          if (error && !partial?.topics) return reject(error)
          resolve(partial ?? response!)
        })
      })
    })
  })
}

const sourceNames = Object.fromEntries(
  Object.entries(ConfigSources)
    .filter(([name]) => name !== 'TOPIC_CONFIG')
    .map(([name, value]) => [value, name])
) as Record<number, string>

export class AdminFacade {
  readonly #clients: KafkaClients

  constructor(clients: KafkaClients) {
    this.#clients = clients
  }

  async cluster(): Promise<Cluster> {
    const md = await this.#clients.bounded('describe cluster', admin => rawMetadata(admin, []))
    if (!md.clusterId) throw new RestError(errors.badGateway)
    return {
      id: md.clusterId,
      controllerId: md.controllerId >= 0 ? md.controllerId : null,
      brokers: md.brokers
        .map(b => ({ id: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null }))
        .sort((a, b) => a.id - b.id)
    }
  }

  // All topics when `names` is undefined; otherwise the named ones, failing on the first unknown name.
  async topics(names?: string[]): Promise<Topic[]> {
    const md = await this.#clients.bounded('describe topics', admin => rawMetadata(admin, names ?? null))
    return md.topics.map(t => {
      if (t.errorCode !== 0) throw topicError(t.errorCode, t.name ?? '')
      const partitions: Partition[] = t.partitions
        .map(p => ({
          topic: t.name!,
          id: p.partitionIndex,
          leader: p.leaderId >= 0 ? p.leaderId : null,
          replicas: p.replicaNodes.map(id => ({
            brokerId: id,
            isLeader: id === p.leaderId,
            inSync: p.isrNodes.includes(id)
          }))
        }))
        .sort((a, b) => a.id - b.id)
      return { name: t.name!, isInternal: t.isInternal, partitions }
    })
  }

  async offsets(topic: string, partitions: number[]): Promise<Map<number, PartitionOffsets>> {
    const list = (timestamp: bigint) =>
      this.#clients.bounded('list offsets', admin =>
        admin.listOffsets({
          topics: [{ name: topic, partitions: partitions.map(partitionIndex => ({ partitionIndex, timestamp })) }]
        })
      )
    // -2 = earliest (log start), -1 = latest (log end); one request each, since a partition may appear only once.
    const [earliest, latest] = await Promise.all([list(-2n), list(-1n)])
    const result = new Map<number, PartitionOffsets>()
    for (const p of earliest[0]?.partitions ?? []) result.set(p.partitionIndex, { earliest: p.offset, latest: 0n })
    for (const p of latest[0]?.partitions ?? []) {
      const entry = result.get(p.partitionIndex)
      if (entry) entry.latest = p.offset
    }
    return result
  }

  async topicConfigs(topic: string): Promise<ConfigEntry[]> {
    const [description] = await this.#clients.bounded('describe configs', admin =>
      admin.describeConfigs({
        resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic }],
        includeSynonyms: true
      })
    )
    return (description?.configs ?? []).map(c => ({
      name: c.name,
      value: c.isSensitive ? null : (c.value ?? null),
      isDefault: c.configSource === ConfigSources.DEFAULT_CONFIG,
      isReadOnly: c.readOnly,
      isSensitive: c.isSensitive,
      source: sourceNames[c.configSource] ?? 'UNKNOWN',
      synonyms: c.synonyms.map(s => ({
        name: s.name,
        value: s.value ?? null,
        source: sourceNames[s.source] ?? 'UNKNOWN'
      }))
    }))
  }
}

function topicError(code: number, topic: string): RestError {
  const name = errorNameOf(code)
  const spec = errors[brokerErrorTable[name] ?? 'kafka']
  if (spec === errors.unknownTopicOrPartition) return new RestError(spec)
  return new RestError(spec, `${name} while describing topic ${topic}.`)
}

// Consumer group operations the services use, returning model types. Every public method is one bounded
// operation (kafka.operation.timeout.ms), however many requests it makes.
//
// Describing follows Kafka's own Admin (4.x): ask the coordinator with ConsumerGroupDescribe first; the groups it
// does not know as consumer groups are asked again with DescribeGroups, which knows classic groups. A group that
// neither knows (classic answer: Dead with no protocol type) does not exist.
import { type Admin, FetchIsolationLevels, FindCoordinatorKeyTypes, protocolErrors } from '@platformatic/kafka'
import { setTimeout as sleep } from 'node:timers/promises'
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { type ConsumerGroup, type TopicPartition } from '../model/consumer-group.ts'
import { type KafkaClients } from './clients.ts'
import { brokerErrorTable } from './error-table.ts'
import { errorNameOf, protocolErrorName } from './errors.ts'
import {
  classicAssignment,
  coordinatorConnection,
  describeClassicGroups,
  describeConsumerGroups,
  type DescribedConsumerGroup
} from './group-protocol.ts'

export type GroupLookup = { found: ConsumerGroup } | { missing: true } | { unauthorized: true }

export interface CommittedOffset extends TopicPartition {
  offset: bigint
}

// Which offset of a partition to look up: earliest, latest (log end), or the first at or after a timestamp (ms).
export type OffsetQuery = 'earliest' | 'latest' | number

const GROUP_ID_NOT_FOUND = protocolErrors.GROUP_ID_NOT_FOUND.code
const GROUP_AUTHORIZATION_FAILED = protocolErrors.GROUP_AUTHORIZATION_FAILED.code

// PreparingRebalance → PREPARING_REBALANCE, the form Java's GroupState constants (and kafka-rest) print.
export function groupState(wire: string): string {
  return wire ? wire.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() : 'UNKNOWN'
}

function groupError(code: number, message: string | null, groupId: string): RestError {
  const name = errorNameOf(code)
  return new RestError(
    errors[brokerErrorTable[name] ?? 'kafka'],
    message || `${name} while describing group ${groupId}.`
  )
}

const retriable = (code: number) => protocolErrors[errorNameOf(code)]?.canRetry === true

// The key of a partition in the maps this facade returns.
export const offsetKey = (topic: string, partition: number) => `${topic}\u0000${partition}`

export class GroupsFacade {
  readonly #clients: KafkaClients
  // The highest ConsumerGroupDescribe version the cluster speaks (null: none, Kafka before 3.7), asked once.
  #describeVersion: Promise<0 | 1 | null> | undefined

  constructor(clients: KafkaClients) {
    this.#clients = clients
  }

  // Ids of classic groups of the consumer protocol (or simple ones) and of consumer-protocol groups: what Java's
  // Admin.listConsumerGroups returns. Connect and share groups are left out.
  list(): Promise<string[]> {
    return this.#clients.bounded('list consumer groups', async admin => {
      const groups = await admin.listGroups({ types: ['classic', 'consumer'] })
      return [...groups.values()]
        .filter(g => g.groupType === 'consumer' || g.protocolType === 'consumer' || g.protocolType === '')
        .map(g => g.id)
    })
  }

  describe(groupIds: string[]): Promise<Map<string, GroupLookup>> {
    return this.#clients.bounded('describe consumer groups', admin => this.#describe(admin, groupIds))
  }

  async #describe(admin: Admin, groupIds: string[]): Promise<Map<string, GroupLookup>> {
    const result = new Map<string, GroupLookup>()
    if (groupIds.length === 0) return result
    let coordinators
    try {
      coordinators = await admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: groupIds })
    } catch (error) {
      // kafka-rest treats a group it may not describe as one that does not exist (ConsumerGroupManagerImpl).
      if (groupIds.length === 1 && protocolErrorName(error) === 'GROUP_AUTHORIZATION_FAILED') {
        return result.set(groupIds[0], { unauthorized: true })
      }
      throw error
    }
    const version = await this.#consumerGroupDescribeVersion(admin)
    await Promise.all(
      [...Map.groupBy(coordinators, c => c.nodeId).values()].map(async batch => {
        const { host, port, nodeId } = batch[0]
        const ids = batch.map(c => c.key)
        const connection = await coordinatorConnection(admin, { host, port })
        let classic = ids
        if (version !== null) {
          const described = await this.#withRetry(() => describeConsumerGroups(connection, version, ids))
          classic = []
          for (const g of described) {
            if (g.errorCode === GROUP_ID_NOT_FOUND) classic.push(g.groupId)
            else if (g.errorCode === GROUP_AUTHORIZATION_FAILED) result.set(g.groupId, { unauthorized: true })
            else if (g.errorCode !== 0) throw groupError(g.errorCode, g.errorMessage, g.groupId)
            else result.set(g.groupId, { found: consumerGroup(g, nodeId) })
          }
        }
        if (classic.length === 0) return
        for (const g of await describeClassicGroups(admin, connection, classic)) {
          if (g.errorCode === GROUP_AUTHORIZATION_FAILED) result.set(g.groupId, { unauthorized: true })
          else if (g.errorCode === GROUP_ID_NOT_FOUND) result.set(g.groupId, { missing: true })
          else if (g.errorCode !== 0) throw groupError(g.errorCode, null, g.groupId)
          else if (g.groupState === 'Dead' && g.protocolType === '') result.set(g.groupId, { missing: true })
          // Another protocol (e.g. Connect) under this id: not a consumer group.
          else if (g.protocolType !== 'consumer' && g.protocolType !== '') result.set(g.groupId, { missing: true })
          else result.set(g.groupId, { found: classicGroup(g, nodeId) })
        }
      })
    )
    return result
  }

  // A coordinator still loading its partition of __consumer_offsets answers with a retriable error.
  async #withRetry(request: () => Promise<DescribedConsumerGroup[]>): Promise<DescribedConsumerGroup[]> {
    for (let attempt = 1; ; attempt++) {
      const groups = await request()
      if (attempt === 5 || !groups.some(g => retriable(g.errorCode))) return groups
      await sleep(100 * attempt)
    }
  }

  #consumerGroupDescribeVersion(admin: Admin): Promise<0 | 1 | null> {
    this.#describeVersion ??= admin.listApis().then(
      apis => {
        const api = apis.find(a => a.name === 'ConsumerGroupDescribe')
        return api ? (api.maxVersion >= 1 ? 1 : 0) : null
      },
      (error: unknown) => {
        this.#describeVersion = undefined
        throw error
      }
    )
    return this.#describeVersion
  }

  // Committed offsets of the group; partitions without a commit are left out.
  committedOffsets(groupId: string): Promise<CommittedOffset[]> {
    return this.#clients.bounded('list consumer group offsets', async admin => {
      const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] })
      return (group?.topics ?? []).flatMap(t =>
        t.partitions
          .filter(p => p.committedOffset >= 0n)
          .map(p => ({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset }))
      )
    })
  }

  // One offset per partition. 'latest' is read with READ_COMMITTED when `readCommitted` (kafka-rest's lag
  // uses the last stable offset); a timestamp past the last record gives the log end offset.
  offsets(partitions: TopicPartition[], query: OffsetQuery, readCommitted = false): Promise<Map<string, bigint>> {
    return this.#clients.bounded('list offsets', async admin => {
      const result = new Map<string, bigint>()
      if (partitions.length === 0) return result
      const timestamp = query === 'earliest' ? -2n : query === 'latest' ? -1n : BigInt(query)
      const byTopic = Map.groupBy(partitions, p => p.topic)
      const request = (ts: bigint, isolation: boolean) =>
        admin.listOffsets({
          topics: [...byTopic].map(([name, ps]) => ({
            name,
            partitions: ps.map(p => ({ partitionIndex: p.partition, timestamp: ts }))
          })),
          isolationLevel: isolation ? FetchIsolationLevels.READ_COMMITTED : FetchIsolationLevels.READ_UNCOMMITTED
        })
      const listed = await request(timestamp, readCommitted)
      let ends: Awaited<ReturnType<typeof request>> | undefined
      for (const topic of listed) {
        for (const p of topic.partitions) {
          let offset = p.offset
          if (offset < 0n) {
            ends ??= await request(-1n, readCommitted)
            offset = ends.find(t => t.name === topic.name)?.partitions.find(e => e.partitionIndex === p.partitionIndex)
              ?.offset as bigint
          }
          result.set(offsetKey(topic.name, p.partitionIndex), offset)
        }
      }
      return result
    })
  }

  // Commits offsets for the group as the admin (no member). Kafka refuses while the group has members: the
  // check the service makes first can race with a consumer joining, so that refusal is an outcome too.
  alterOffsets(groupId: string, offsets: CommittedOffset[]): Promise<'altered' | 'notEmpty'> {
    return this.#clients.bounded('alter consumer group offsets', async admin => {
      try {
        await admin.alterConsumerGroupOffsets({
          groupId,
          topics: [...Map.groupBy(offsets, o => o.topic)].map(([name, ps]) => ({
            name,
            partitionOffsets: ps.map(p => ({ partition: p.partition, offset: p.offset }))
          }))
        })
        return 'altered'
      } catch (error) {
        if (memberErrors.has(protocolErrorName(error) ?? '')) return 'notEmpty'
        throw error
      }
    })
  }

  delete(groupId: string): Promise<'deleted' | 'notEmpty' | 'notFound'> {
    return this.#clients.bounded('delete consumer group', async admin => {
      try {
        await admin.deleteGroups({ groups: [groupId] })
        return 'deleted'
      } catch (error) {
        const name = protocolErrorName(error)
        if (name === 'NON_EMPTY_GROUP') return 'notEmpty'
        if (name === 'GROUP_ID_NOT_FOUND') return 'notFound'
        throw error
      }
    })
  }
}

// What an offset commit without membership gets while the group has members (classic and consumer protocol).
const memberErrors = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS', 'STALE_MEMBER_EPOCH'])

function consumerGroup(g: DescribedConsumerGroup, coordinatorId: number): ConsumerGroup {
  return {
    id: g.groupId,
    isSimple: false,
    partitionAssignor: g.assignorName,
    state: groupState(g.groupState),
    type: 'CONSUMER',
    // As Java's Admin: a member that is not known to speak the consumer protocol makes the group mixed.
    isMixed: g.members.some(m => m.memberType !== 1),
    coordinatorId,
    members: g.members.map(m => ({
      consumerId: m.memberId,
      instanceId: m.instanceId,
      clientId: m.clientId,
      assignments: m.assignment
    }))
  }
}

function classicGroup(
  g: Awaited<ReturnType<typeof describeClassicGroups>>[number],
  coordinatorId: number
): ConsumerGroup {
  return {
    id: g.groupId,
    isSimple: g.protocolType === '',
    partitionAssignor: g.protocolData,
    state: groupState(g.groupState),
    type: 'CLASSIC',
    isMixed: false,
    coordinatorId,
    members: g.members.map(m => ({
      consumerId: m.memberId,
      instanceId: m.groupInstanceId ?? null,
      clientId: m.clientId,
      assignments: classicAssignment(m.memberAssignment)
    }))
  }
}

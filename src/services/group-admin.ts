// Consumer group changes beyond upstream kafka-rest (whose group endpoints are read-only; users have asked for
// these since 2016, kafka-rest #148 and #819): delete an empty group, and reset an empty group's committed
// offsets. Both refuse while the group has members, because Kafka would (or, for offsets, because a running
// consumer would overwrite them at its next commit).
//
// Errors: unknown group 404 "Consumer Group G does not exist."; a group the principal may not describe 403/40301
// (the read endpoints say 404 there, as upstream; a change deserves the real reason); members present
// 409/40903 "Illegal state: ...", Confluent's code for an operation the current state forbids.
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { type GroupsFacade, offsetKey } from '../kafka/groups.ts'
import { type Cluster, type Topic } from '../model/cluster.ts'
import { type ConsumerGroup, type OffsetChange, type OffsetResetEntry } from '../model/consumer-group.ts'
import { expandTargets, resolveTargets } from './offset-reset.ts'

export interface GroupAdminService {
  deleteGroup(clusterId: string, groupId: string): Promise<void>
  // The new committed offset of every partition named, sorted by topic and partition. With `validateOnly`
  // nothing is committed.
  resetOffsets(
    clusterId: string,
    groupId: string,
    entries: OffsetResetEntry[],
    validateOnly: boolean
  ): Promise<OffsetChange[]>
}

export interface GroupAdminDeps {
  cluster: () => Promise<Cluster>
  // The named topics that exist (internal ones included).
  topics: (names: string[]) => Promise<Topic[]>
  groups: GroupsFacade
}

const missing = (groupId: string) => new RestError(errors.notFound, `Consumer Group ${groupId} does not exist.`)

function notEmpty(groupId: string, action: string, group?: ConsumerGroup): RestError {
  const detail = group ? ` has ${group.members.length} active member(s) (state ${group.state})` : ' has active members'
  return new RestError(
    errors.illegalState,
    `Illegal state: Consumer group ${groupId}${detail}; ${action} only while it is empty.`
  )
}

export function createGroupAdminService({ cluster, topics, groups }: GroupAdminDeps): GroupAdminService {
  const emptyGroup = async (clusterId: string, groupId: string, action: string): Promise<ConsumerGroup> => {
    if ((await cluster()).id !== clusterId) {
      throw new RestError(errors.notFound, `Cluster ${clusterId} could not be found.`)
    }
    const lookup = (await groups.describe([groupId])).get(groupId)
    if (!lookup || 'missing' in lookup) throw missing(groupId)
    if ('unauthorized' in lookup) {
      throw new RestError(errors.kafkaAuthorization, `Not authorized to access group: ${groupId}`)
    }
    if (lookup.found.members.length > 0) throw notEmpty(groupId, action, lookup.found)
    return lookup.found
  }

  return {
    async deleteGroup(clusterId, groupId) {
      await emptyGroup(clusterId, groupId, 'it can be deleted')
      const outcome = await groups.delete(groupId)
      if (outcome === 'notEmpty') throw notEmpty(groupId, 'it can be deleted')
      if (outcome === 'notFound') throw missing(groupId)
    },

    async resetOffsets(clusterId, groupId, entries, validateOnly) {
      await emptyGroup(clusterId, groupId, 'its offsets can be reset')
      const names = [...new Set(entries.map(e => e.topic))]
      const known = new Map((await topics(names)).map(t => [t.name, t.partitions.map(p => p.id)]))
      const targets = expandTargets(entries, topic => known.get(topic))

      const timestamps = [...new Set(targets.flatMap(t => (t.target.kind === 'timestamp' ? [t.target.timestamp] : [])))]
      const [earliest, latest, committed, ...atTimes] = await Promise.all([
        groups.offsets(targets, 'earliest'),
        groups.offsets(targets, 'latest'),
        groups.committedOffsets(groupId),
        ...timestamps.map(ts =>
          groups.offsets(
            targets.filter(t => t.target.kind === 'timestamp' && t.target.timestamp === ts),
            ts
          )
        )
      ])
      const byTimestamp = new Map(timestamps.map((ts, i) => [ts, atTimes[i]]))
      const get = (map: Map<string, bigint> | undefined, topic: string, partition: number) => {
        const offset = map?.get(offsetKey(topic, partition))
        if (offset === undefined) throw new RestError(errors.partitionNotFound)
        return offset
      }
      const planned = resolveTargets(targets, {
        earliest: (topic, partition) => get(earliest, topic, partition),
        latest: (topic, partition) => get(latest, topic, partition),
        atTimestamp: (ts, topic, partition) => get(byTimestamp.get(ts), topic, partition)
      })

      if (!validateOnly && planned.length > 0) {
        const outcome = await groups.alterOffsets(groupId, planned)
        if (outcome === 'notEmpty') throw notEmpty(groupId, 'its offsets can be reset')
      }
      const previous = new Map(committed.map(c => [offsetKey(c.topic, c.partition), c.offset]))
      return planned.map(p => ({ ...p, previousOffset: previous.get(offsetKey(p.topic, p.partition)) ?? null }))
    }
  }
}

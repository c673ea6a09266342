// Raw group requests the client's Admin does not make the way we need them:
//
// - ConsumerGroupDescribe (API 69) describes KIP-848 "consumer" protocol groups. The client implements only v0,
//   whose members carry no type; v1 (Kafka 4.0+) adds MemberType after TargetAssignment, which tells a mixed
//   group (classic members inside a consumer group) apart. The codec below speaks both, and returns per-group
//   errors as data: GROUP_ID_NOT_FOUND there means "not a consumer group" as often as "no such group".
// - DescribeGroups (API 15) on the coordinator, for classic groups. Admin.describeGroups decodes every member's
//   metadata as the consumer protocol, which breaks on other protocol types (Connect), and fails as a whole on
//   one group's error. Here a group's error stays with that group.
//
// Both go to the group's coordinator (FindCoordinator first). Findings this relies on, checked against Kafka 4.3
// with scripts/probe-groups.ts: DescribeGroups (v5) answers a consumer-protocol group as Dead with an empty
// protocol type, exactly like a group that does not exist; ConsumerGroupDescribe answers a classic group with
// GROUP_ID_NOT_FOUND "Group g is not a consumer group.".
import {
  type Admin,
  type Callback,
  type Connection,
  createAPI,
  decodeConsumerProtocolAssignment,
  kGetApi,
  kGetConnection,
  type describeGroupsV5,
  type Reader,
  Writer
} from '@platformatic/kafka'
import { type TopicPartition } from '../model/consumer-group.ts'

export interface DescribedConsumerGroup {
  errorCode: number
  errorMessage: string | null
  groupId: string
  groupState: string
  assignorName: string
  members: {
    memberId: string
    instanceId: string | null
    clientId: string
    assignment: TopicPartition[]
    // -1 unknown (v0 responses), 0 classic member, 1 consumer member.
    memberType: number
  }[]
}

function readAssignment(r: Reader): TopicPartition[] {
  const partitions: TopicPartition[] = []
  r.readArray(
    r => {
      r.readUUID()
      const topic = r.readString()
      for (const partition of r.readArray(() => r.readInt32(), true, false)) partitions.push({ topic, partition })
      r.readTaggedFields()
    },
    true,
    false
  )
  r.readTaggedFields()
  return partitions
}

/*
ConsumerGroupDescribe Request (Version: 0-1) => [group_ids] include_authorized_operations TAG_BUFFER
ConsumerGroupDescribe Response (Version: 0-1) => throttle_time_ms [groups] TAG_BUFFER
  groups => error_code error_message group_id group_state group_epoch assignment_epoch assignor_name [members]
            authorized_operations TAG_BUFFER
    members => member_id instance_id rack_id member_epoch client_id client_host [subscribed_topic_names]
               subscribed_topic_regex assignment target_assignment member_type(v1+, INT8) TAG_BUFFER
      assignment, target_assignment => [topic_partitions] TAG_BUFFER
        topic_partitions => topic_id topic_name [partitions] TAG_BUFFER
*/
export function writeConsumerGroupDescribeRequest(groupIds: string[]): Writer {
  return Writer.create()
    .appendArray(groupIds, (w, id) => w.appendString(id), true, false)
    .appendBoolean(false)
    .appendTaggedFields()
}

export function readConsumerGroupDescribeResponse(version: 0 | 1, reader: Reader): DescribedConsumerGroup[] {
  reader.readInt32() // throttle time
  const groups = reader.readArray(
    (r): DescribedConsumerGroup => {
      const group: DescribedConsumerGroup = {
        errorCode: r.readInt16(),
        errorMessage: r.readNullableString(),
        groupId: r.readString(),
        groupState: r.readString(),
        assignorName: '',
        members: []
      }
      r.readInt32() // group epoch
      r.readInt32() // assignment epoch
      group.assignorName = r.readString()
      group.members = r.readArray(
        r => {
          const memberId = r.readString()
          const instanceId = r.readNullableString()
          r.readNullableString() // rack
          r.readInt32() // member epoch
          const clientId = r.readString()
          r.readString() // client host
          r.readArray(r => r.readString(), true, false) // subscribed topic names
          r.readNullableString() // subscribed topic regex
          const assignment = readAssignment(r)
          readAssignment(r) // target assignment
          const memberType = version >= 1 ? r.readInt8() : -1
          r.readTaggedFields()
          return { memberId, instanceId, clientId, assignment, memberType }
        },
        true,
        false
      )
      r.readInt32() // authorized operations
      r.readTaggedFields()
      return group
    },
    true,
    false
  )
  reader.readTaggedFields()
  return groups
}

const consumerGroupDescribe = (version: 0 | 1) =>
  createAPI<[string[]], DescribedConsumerGroup[]>(
    69,
    version,
    writeConsumerGroupDescribeRequest,
    (_c, _k, _v, reader) => readConsumerGroupDescribeResponse(version, reader)
  )

const consumerGroupDescribeApis = { 0: consumerGroupDescribe(0), 1: consumerGroupDescribe(1) }

type DescribeGroupsResponse = describeGroupsV5.DescribeGroupsResponse
interface Internals {
  [kGetConnection](broker: { host: string; port: number }, cb: Callback<Connection>): void
  [kGetApi](name: 'DescribeGroups', cb: Callback<(connection: Connection, ...args: unknown[]) => void>): void
}

export function coordinatorConnection(admin: Admin, broker: { host: string; port: number }): Promise<Connection> {
  const internals = admin as unknown as Internals
  return new Promise((resolve, reject) => {
    internals[kGetConnection](broker, (error, connection) => (error ? reject(error) : resolve(connection!)))
  })
}

export function describeConsumerGroups(
  connection: Connection,
  version: 0 | 1,
  groupIds: string[]
): Promise<DescribedConsumerGroup[]> {
  return consumerGroupDescribeApis[version].async(connection, groupIds)
}

export function describeClassicGroups(
  admin: Admin,
  connection: Connection,
  groupIds: string[]
): Promise<DescribeGroupsResponse['groups']> {
  const internals = admin as unknown as Internals
  return new Promise((resolve, reject) => {
    internals[kGetApi]('DescribeGroups', (error, api) => {
      if (error || !api) return reject(error ?? new Error('DescribeGroups API unavailable'))
      api(connection, groupIds, false, (error: Error | null, response?: DescribeGroupsResponse) => {
        // A group-level error arrives as a ResponseError that still carries the parsed response.
        const partial = (error as { response?: DescribeGroupsResponse } | null)?.response
        if (error && !partial?.groups) return reject(error)
        resolve((partial ?? response!).groups)
      })
    })
  })
}

// The partitions a classic consumer-protocol member was given in its last SyncGroup; none while rebalancing.
export function classicAssignment(memberAssignment: Buffer): TopicPartition[] {
  if (memberAssignment.length === 0) return []
  try {
    return decodeConsumerProtocolAssignment(memberAssignment).assignedPartitions.flatMap(({ topic, partitions }) =>
      partitions.map(partition => ({ topic, partition }))
    )
  } catch {
    return []
  }
}

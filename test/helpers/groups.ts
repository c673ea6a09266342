// Real consumer groups for integration tests: members joined with the plain client's Consumer (classic or
// KIP-848 consumer protocol), and committed offsets read back with the plain Admin.
import { Admin, Consumer } from '@platformatic/kafka'
import { type TestContext } from 'node:test'
import { bootstrapServers } from './kafka.ts'

export interface Member {
  consumer: Consumer
  memberId: string
  // Commits exactly these offsets as this member (no +1: the value stored is the value given).
  commit(offsets: { topic: string; partition: number; offset: number }[]): Promise<void>
  leave(): Promise<void>
}

// Joins `groupId` and subscribes to `topics`; resolves once the member has its first assignment. Leaves the
// group after the test. Nothing is committed automatically.
export async function joinGroup(
  t: TestContext,
  opts: {
    groupId: string
    topics: string[]
    protocol: 'classic' | 'consumer'
    clientId?: string
    instanceId?: string
  }
): Promise<Member> {
  const consumer = new Consumer({
    clientId: opts.clientId ?? 'test-member',
    groupId: opts.groupId,
    bootstrapBrokers: bootstrapServers().split(','),
    maxWaitTime: 200,
    groupProtocol: opts.protocol,
    ...(opts.instanceId ? { groupInstanceId: opts.instanceId } : {})
  })
  let left = false
  const leave = async () => {
    if (left) return
    left = true
    await consumer.close(true)
  }
  t.after(leave)
  const stream = await consumer.consume({ topics: opts.topics, mode: 'earliest', autocommit: false })
  stream.on('data', () => {})
  stream.on('error', () => {})
  for (let i = 0; !consumer.assignments?.length || !consumer.memberId; i++) {
    if (i === 300) throw new Error(`group ${opts.groupId}: no assignment after 30 s`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return {
    consumer,
    memberId: consumer.memberId,
    commit: offsets =>
      consumer.commit({
        offsets: offsets.map(o => ({
          topic: o.topic,
          partition: o.partition,
          offset: BigInt(o.offset),
          leaderEpoch: -1
        }))
      }),
    leave
  }
}

async function withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({ clientId: 'test-groups', bootstrapBrokers: bootstrapServers().split(',') })
  try {
    return await fn(admin)
  } finally {
    await admin.close()
  }
}

/** The group's committed offsets as `topic/partition → offset`, straight from Kafka. */
export function committedOffsets(groupId: string): Promise<Record<string, number>> {
  return withAdmin(async admin => {
    const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] })
    const out: Record<string, number> = {}
    for (const topic of group?.topics ?? []) {
      for (const p of topic.partitions) out[`${topic.name}/${p.partitionIndex}`] = Number(p.committedOffset)
    }
    return out
  })
}

/** Commits offsets for a group without joining it (the group stays "simple": no protocol type). */
export function commitAsAdmin(groupId: string, offsets: { topic: string; partition: number; offset: number }[]) {
  return withAdmin(admin =>
    admin.alterConsumerGroupOffsets({
      groupId,
      topics: [...Map.groupBy(offsets, o => o.topic)].map(([name, ps]) => ({
        name,
        partitionOffsets: ps.map(p => ({ partition: p.partition, offset: BigInt(p.offset) }))
      }))
    })
  )
}

/** Group ids Kafka knows, any protocol. */
export function listGroupIds(): Promise<string[]> {
  return withAdmin(async admin => [...(await admin.listGroups({ types: ['classic', 'consumer'] })).keys()])
}

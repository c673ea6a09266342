// Java's RangeAssignor, so proxy instances can share a group with Java (and other) consumers: they all
// advertise "range", and whichever member leads computes the same assignment. For each topic, the members
// subscribed to it are sorted by member id; each gets a contiguous range of floor(n/m) partitions and the first
// n % m members one more.

export interface GroupMemberSubscription {
  topics: readonly string[]
}

export interface MemberAssignment {
  memberId: string
  assignments: Map<string, { topic: string; partitions: number[] }>
}

export function rangeAssign(
  members: ReadonlyMap<string, GroupMemberSubscription>,
  partitionCount: (topic: string) => number | undefined
): MemberAssignment[] {
  const result = new Map<string, MemberAssignment>()
  for (const memberId of members.keys()) result.set(memberId, { memberId, assignments: new Map() })
  const topics = new Set<string>()
  for (const member of members.values()) for (const topic of member.topics) topics.add(topic)
  for (const topic of [...topics].sort()) {
    const count = partitionCount(topic)
    if (!count) continue
    const subscribed = [...members.entries()]
      .filter(([, m]) => m.topics.includes(topic))
      .map(([id]) => id)
      .sort()
    const base = Math.floor(count / subscribed.length)
    const extra = count % subscribed.length
    let next = 0
    subscribed.forEach((memberId, i) => {
      const size = base + (i < extra ? 1 : 0)
      if (size === 0) return
      const partitions = Array.from({ length: size }, (_, j) => next + j)
      next += size
      result.get(memberId)!.assignments.set(topic, { topic, partitions })
    })
  }
  return [...result.values()]
}

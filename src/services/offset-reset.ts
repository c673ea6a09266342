// Planning an offset reset, without Kafka: which partitions a request names, and which offset each gets.
//
// Rules (documented in README, "Consumer group offsets"):
// - an entry without partition_id means every partition of the topic; an entry for one partition overrides a
//   topic-wide entry of the same topic, whatever their order;
// - naming the same partition twice, or a topic twice without partition, is a 400: the request is ambiguous;
// - an unknown topic is 404/40403, an unknown partition 404/40402, as everywhere else in v3;
// - an explicit offset must lie within [earliest, latest] of its partition (400 otherwise); the CLI tool clamps
//   silently, but a REST caller asking for offset 500 of a 30-record partition has made a mistake;
// - a timestamp past the last record resolves to the log end offset (what kafka-consumer-groups does).
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { type OffsetResetEntry, type OffsetTarget, type TopicPartition } from '../model/consumer-group.ts'
import { compareTopicPartition, type PartitionOffset } from './lags.ts'

export interface PlannedTarget extends TopicPartition {
  target: OffsetTarget
}

const badRequest = (message: string) => new RestError(errors.badRequest, `Bad Request: ${message}`)

// Expands entries to one target per partition, sorted by topic and partition. `partitionsOf` gives a topic's
// partition ids, or undefined when the topic does not exist.
export function expandTargets(
  entries: OffsetResetEntry[],
  partitionsOf: (topic: string) => number[] | undefined
): PlannedTarget[] {
  const topicWide = new Map<string, OffsetTarget>()
  const exact = new Map<string, PlannedTarget>()
  for (const entry of entries) {
    const partitions = partitionsOf(entry.topic)
    if (!partitions) throw new RestError(errors.unknownTopicOrPartition)
    if (entry.partition === undefined) {
      if (topicWide.has(entry.topic)) throw badRequest(`topic ${entry.topic} is named twice without partition_id`)
      topicWide.set(entry.topic, entry.target)
      continue
    }
    if (!partitions.includes(entry.partition)) throw new RestError(errors.partitionNotFound)
    const key = `${entry.topic}\u0000${entry.partition}`
    if (exact.has(key)) throw badRequest(`partition ${entry.partition} of topic ${entry.topic} is named twice`)
    exact.set(key, { topic: entry.topic, partition: entry.partition, target: entry.target })
  }
  for (const [topic, target] of topicWide) {
    for (const partition of partitionsOf(topic)!) {
      const key = `${topic}\u0000${partition}`
      if (!exact.has(key)) exact.set(key, { topic, partition, target })
    }
  }
  return [...exact.values()].sort(compareTopicPartition)
}

export interface OffsetLookups {
  earliest(topic: string, partition: number): bigint
  latest(topic: string, partition: number): bigint
  atTimestamp(timestamp: number, topic: string, partition: number): bigint
}

// The offset each target resolves to; 400 for an explicit offset outside the partition's range.
export function resolveTargets(targets: PlannedTarget[], lookups: OffsetLookups): PartitionOffset[] {
  return targets.map(({ topic, partition, target }) => {
    switch (target.kind) {
      case 'earliest':
        return { topic, partition, offset: lookups.earliest(topic, partition) }
      case 'latest':
        return { topic, partition, offset: lookups.latest(topic, partition) }
      case 'timestamp':
        return { topic, partition, offset: lookups.atTimestamp(target.timestamp, topic, partition) }
      case 'offset': {
        const earliest = lookups.earliest(topic, partition)
        const latest = lookups.latest(topic, partition)
        if (target.offset < earliest || target.offset > latest) {
          throw badRequest(
            `offset ${target.offset} is out of range for partition ${partition} of topic ${topic} ` +
              `(earliest ${earliest}, latest ${latest})`
          )
        }
        return { topic, partition, offset: target.offset }
      }
    }
  })
}

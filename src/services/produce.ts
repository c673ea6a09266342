// Version-neutral produce: v2 and v3 both hand over serialized records and get one result per record.
import { type ProducePipeline } from '../kafka/producer.ts'
import { type OutgoingRecord, type RecordResult } from '../model/produce.ts'

export interface ProduceService {
  // Gets the Kafka side ready ahead of the first request (the server calls it once it listens).
  warm(): void
  // Partition count of `topic` (the broker may auto-create it); 40401 when it does not exist.
  partitions(topic: string): Promise<number>
  // Never rejects: failures are per record.
  produce(topic: string, records: OutgoingRecord[]): Promise<RecordResult[]>
  // The same for one record, cheaper (the streaming path calls it per record): `done` gets its result.
  produceOne(topic: string, record: OutgoingRecord, done: (result: RecordResult) => void): void
}

export function createProduceService(pipeline: ProducePipeline): ProduceService {
  return {
    warm: () => pipeline.warm(),
    partitions: topic => pipeline.partitions(topic),
    produce: (topic, records) => pipeline.send(topic, records),
    produceOne: (topic, record, done) => pipeline.sendOne(topic, record, done)
  }
}

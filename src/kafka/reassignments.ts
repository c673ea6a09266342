// Ongoing partition reassignments (KIP-455 ListPartitionReassignments), which the client exposes only as a
// protocol API. Sent to any broker: in KRaft the broker forwards it to the active controller.
import { type Reassignment } from '../model/admin.ts'
import { type KafkaClients } from './clients.ts'
import { withDeadline } from './errors.ts'
import { callApi } from './protocol.ts'

interface ListResponse {
  topics: {
    name: string
    partitions: { partitionIndex: number; replicas: number[]; addingReplicas: number[]; removingReplicas: number[] }[]
  }[]
}

// Flattens the response, sorted by topic and partition as Confluent lists them.
export function toReassignments(response: ListResponse): Reassignment[] {
  return response.topics
    .flatMap(t =>
      t.partitions.map(p => ({
        topic: t.name,
        partition: p.partitionIndex,
        replicas: p.replicas,
        addingReplicas: p.addingReplicas,
        removingReplicas: p.removingReplicas
      }))
    )
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
}

export class ReassignmentsAdmin {
  readonly #clients: KafkaClients

  constructor(clients: KafkaClients) {
    this.#clients = clients
  }

  // Every ongoing reassignment of the cluster (a null topic list asks for all of them).
  async list(): Promise<Reassignment[]> {
    const timeoutMs = this.#clients.operationTimeoutMs
    const response = await withDeadline(
      Promise.resolve().then(() =>
        callApi<ListResponse>(this.#clients.admin, 'ListPartitionReassignments', 'any', [timeoutMs, null])
      ),
      timeoutMs,
      'list partition reassignments'
    )
    return toReassignments(response)
  }
}

// The Fetch API of v2 consumers: the client's own request, and our parse of the answer that leaves records
// encoded (fetched-records.ts). A consumer gets it by `useLeanFetch(consumer)`, which swaps the API the client
// looks up for 'Fetch'; everything else of the client's fetch stays (fetch sessions, retries, leader changes, the
// read_committed filter, which reads only the batch fields RawBatch keeps).
//
// Fetch v12 and later (Kafka 2.7+) are "flexible" versions with one layout but for the topic: a name up to v12, an
// id from v13. A broker that offers none of them is refused with a clear error.
import {
  type Consumer,
  fetchV12,
  fetchV13,
  fetchV14,
  fetchV15,
  fetchV16,
  fetchV17,
  readKnownTaggedFields,
  type Reader,
  ResponseError
} from '@platformatic/kafka'
import { swapApi } from './api-swap.ts'
import { type FetchedPartition, readBatches } from './fetched-records.ts'

const requests: Record<number, (...args: never[]) => unknown> = {
  12: fetchV12.createRequest,
  13: fetchV13.createRequest,
  14: fetchV14.createRequest,
  15: fetchV15.createRequest,
  16: fetchV16.createRequest,
  17: fetchV17.createRequest
}

interface FetchResponse {
  throttleTimeMs: number
  errorCode: number
  sessionId: number
  responses: { topicId: string; partitions: FetchedPartition[] }[]
  nodeEndpoints: { nodeId: number; host: string; port: number; rack: string | null }[]
}

type ErrorEntry = [string, [number, null]]

function parsePartition(r: Reader, path: string, errors: ErrorEntry[]): FetchedPartition {
  const partition = {
    partitionIndex: r.readInt32(),
    errorCode: r.readInt16(),
    highWatermark: r.readInt64(),
    lastStableOffset: r.readInt64(),
    logStartOffset: r.readInt64(),
    divergingEpoch: { epoch: -1, endOffset: -1n },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1n, epoch: -1 },
    abortedTransactions: r.readNullableArray(t => ({ producerId: t.readInt64(), firstOffset: t.readInt64() })),
    preferredReadReplica: r.readInt32(),
    records: null as FetchedPartition['records']
  }
  if (partition.errorCode !== 0) errors.push([path, [partition.errorCode, null]])
  // COMPACT_RECORDS: length + 1, 0 for null
  const size = r.readUnsignedVarInt() - 1
  if (size >= 0) {
    partition.records = size > 0 ? readBatches(r.buffer.slice(r.position, r.position + size)) : []
    r.skip(size)
  }
  readKnownTaggedFields(r, {
    0: t => (partition.divergingEpoch = { epoch: t.readInt32(), endOffset: t.readInt64() }),
    1: t => (partition.currentLeader = { leaderId: t.readInt32(), leaderEpoch: t.readInt32() }),
    2: t => (partition.snapshotId = { endOffset: t.readInt64(), epoch: t.readInt32() })
  })
  return partition
}

/** The parser of Fetch answers of `version` (12-17). */
export function parser(version: number) {
  return (_correlationId: number, apiKey: number, apiVersion: number, reader: Reader): FetchResponse => {
    const errors: ErrorEntry[] = []
    const throttleTimeMs = reader.readInt32()
    const errorCode = reader.readInt16()
    if (errorCode !== 0) errors.push(['', [errorCode, null]])
    const response: FetchResponse = {
      throttleTimeMs,
      errorCode,
      sessionId: reader.readInt32(),
      responses: reader.readArray((r, i) => ({
        topicId: version >= 13 ? r.readUUID() : r.readString(),
        partitions: r.readArray((p, j) => parsePartition(p, `/responses/${i}/partitions/${j}`, errors), true, false)
      })),
      nodeEndpoints: []
    }
    readKnownTaggedFields(reader, {
      0: t => {
        response.nodeEndpoints = t.readArray(e => ({
          nodeId: e.readInt32(),
          host: e.readString(),
          port: e.readInt32(),
          rack: e.readNullableString()
        }))
      }
    })
    if (errors.length > 0) throw new ResponseError(apiKey, apiVersion, Object.fromEntries(errors), response)
    return response
  }
}

/** Makes `consumer` parse Fetch answers with ours (the highest version both sides speak, at least 12). */
export function useLeanFetch(consumer: Consumer): void {
  swapApi(
    consumer,
    'Fetch',
    1,
    version => (version in requests ? { createRequest: requests[version], parseResponse: parser(version) } : undefined),
    version => `v2 consumers need a broker that speaks Fetch v12 to v17 (Kafka 2.7 or later); it offers v${version}.`
  )
}

// One request of a Kafka protocol API, sent over the shared Admin client's own connections. For what the
// high-level Admin lacks (ListPartitionReassignments, CreateTopics with validate_only) or gets wrong (it sends
// a describe of the cluster-wide broker defaults, resource name "", to broker 0), and for per-resource results
// that it folds into one error.
//
// Routing: `any` = whichever broker the client reaches first. In KRaft every broker forwards the admin APIs
// that need the controller (CreateTopics, IncrementalAlterConfigs, List/AlterPartitionReassignments, ...) to
// the active controller, so any broker answers them (proven against a 3-node cluster: each broker returns the
// same ongoing reassignments). A broker id is needed only for the configs of that one broker, which Kafka
// accepts only on that broker.
import {
  type Admin,
  kGetApi,
  kGetBootstrapConnection,
  kGetConnection,
  kMetadata,
  kPerformWithRetry
} from '@platformatic/kafka'

type Callback<T> = (error: Error | null, value?: T) => void
type RawApi = (connection: unknown, ...args: unknown[]) => void
interface ClusterView {
  brokers: Map<number, unknown>
}
interface Internals {
  [kGetBootstrapConnection](cb: Callback<unknown>, attempt?: number): void
  [kGetConnection](broker: unknown, cb: Callback<unknown>): void
  [kMetadata](options: { topics: string[]; forceUpdate?: boolean }, cb: Callback<ClusterView>): void
  [kGetApi](name: string, cb: Callback<RawApi>): void
  [kPerformWithRetry](
    operationId: string,
    operation: (cb: Callback<unknown>, attempt: number) => void,
    cb: Callback<unknown>,
    attempt?: number,
    errors?: Error[],
    shouldSkipRetry?: (error: Error) => boolean
  ): void
}

// A broker's answer is final (a topic it does not know stays unknown on a retry); only failures to get an
// answer (connection, timeout) are retried.
const answered = (error: Error) => (error as { response?: unknown }).response !== undefined

export type Target = 'any' | { brokerId: number }

export interface CallOptions {
  // Resolve with the parsed response even when it carries per-item error codes (the client's ResponseError
  // keeps it); the caller reads each item's errorCode. Errors of the request as a whole still reject.
  perItemErrors?: boolean
}

function connect(internals: Internals, target: Target, attempt: number, cb: Callback<unknown>): void {
  if (target === 'any') {
    internals[kGetBootstrapConnection](cb, attempt)
    return
  }
  const find = (forceUpdate: boolean) =>
    internals[kMetadata]({ topics: [], forceUpdate }, (error, metadata) => {
      if (error) return cb(error)
      const broker = metadata!.brokers.get(target.brokerId)
      if (broker) return internals[kGetConnection](broker, cb)
      if (!forceUpdate) return find(true)
      cb(new Error(`Broker ${target.brokerId} is not in the cluster metadata.`))
    })
  find(false)
}

// Rejects with the client's own errors (retriable ones are retried as the client's options say); the caller
// bounds the whole call with withDeadline and converts errors with toRestError.
export function callApi<T>(
  admin: Admin,
  api: string,
  target: Target,
  args: unknown[],
  options: CallOptions = {}
): Promise<T> {
  const internals = admin as unknown as Internals
  return new Promise<T>((resolve, reject) => {
    internals[kPerformWithRetry](
      api,
      (retry, attempt) => {
        connect(internals, target, attempt, (error, connection) => {
          if (error) return retry(error)
          internals[kGetApi](api, (error, send) => {
            if (error || !send) return retry(error ?? new Error(`${api} is not supported by the broker`))
            send(connection, ...args, (error: Error | null, response: unknown) => {
              const partial = (error as { response?: unknown } | null)?.response
              if (error && options.perItemErrors && partial !== undefined) return retry(null, partial)
              retry(error, response)
            })
          })
        })
      },
      (error, response) => (error ? reject(error) : resolve(response as T)),
      0,
      [],
      answered
    )
  })
}

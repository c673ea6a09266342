// Turns whatever the Kafka client throws into a RestError with Confluent's code. The only file that knows
// the client's error shapes: nested AggregateErrors whose leaves are protocol errors named by the broker.
import { protocolErrorsCodesById } from '@platformatic/kafka'
import { errors, type ErrorSpec } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { brokerErrorTable } from './error-table.ts'

interface ClientError extends Error {
  code?: string
  apiId?: string
  serverErrorMessage?: string | null
  errors?: unknown[]
}

function* leaves(error: unknown): Generator<ClientError> {
  if (!(error instanceof Error)) return
  const nested = (error as ClientError).errors
  if (Array.isArray(nested) && nested.length > 0) {
    for (const inner of nested) yield* leaves(inner)
  } else {
    yield error
    if (error.cause) yield* leaves(error.cause)
  }
}

export function toRestError(error: unknown, what: string): RestError {
  if (error instanceof RestError) return error
  const all = [...leaves(error)]
  const protocol = all.find(e => e.code === 'PLT_KFK_PROTOCOL' && e.apiId)
  if (protocol) {
    const spec: ErrorSpec = errors[brokerErrorTable[protocol.apiId!] ?? 'kafka']
    const message =
      spec === errors.unknownTopicOrPartition ? spec.message : protocol.serverErrorMessage || protocol.message
    return new RestError(spec, message, { cause: error })
  }
  if (all.some(e => e.code === 'PLT_KFK_AUTHENTICATION')) {
    return new RestError(errors.kafkaAuthentication, firstMessage(all), { cause: error })
  }
  if (all.some(e => e.code === 'PLT_KFK_NETWORK' || e.code === 'PLT_KFK_TIMEOUT')) {
    return new RestError(errors.kafkaRetriable, `Kafka is not reachable (${what}): ${firstMessage(all)}`, {
      cause: error
    })
  }
  return new RestError(errors.kafka, `${what} failed: ${firstMessage(all)}`, { cause: error })
}

// The broker's error name (e.g. NON_EMPTY_GROUP) inside whatever the client threw, for callers that answer one
// specific broker error themselves before the generic mapping.
// The broker's name for an error code found inside a response (UNKNOWN_SERVER_ERROR for a code the client lacks).
export function errorNameOf(code: number): string {
  return protocolErrorsCodesById[code] ?? 'UNKNOWN_SERVER_ERROR'
}

export function protocolErrorName(error: unknown): string | undefined {
  return [...leaves(error)].find(e => e.code === 'PLT_KFK_PROTOCOL' && e.apiId)?.apiId
}

function firstMessage(all: ClientError[]): string {
  return all.find(e => e.message)?.message ?? 'unknown error'
}

// Bounds one Kafka operation. The client has per-request timeouts, but retries and reconnects can add up;
// an HTTP request must never wait longer than this. The operation itself may still finish later: it only
// reads or is idempotent, so nobody needs its result once the caller has been answered.
export async function withDeadline<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  try {
    return await raceDeadline(operation, ms, what)
  } catch (error) {
    throw toRestError(error, what)
  }
}

// The same bound, leaving the client's own errors as they are (for callers that read their details, such as
// the partitions a failed send still wrote); only the timeout is a RestError.
export async function raceDeadline<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RestError(errors.kafkaRetriable, `Timed out after ${ms} ms waiting for Kafka (${what}).`)),
      ms
    )
  })
  try {
    return await Promise.race([operation, deadline])
  } finally {
    clearTimeout(timer)
  }
}

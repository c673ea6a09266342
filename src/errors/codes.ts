// The Confluent error catalogue: every error body this proxy writes is {"error_code", "message"} with one of
// these codes. A five-digit code carries its HTTP status in its first three digits; a three-digit code is the
// HTTP status itself. 40001 is the one exception upstream (it is answered with HTTP 422), so an entry may pin
// its status explicitly.

export interface ErrorSpec {
  readonly code: number
  readonly message: string
  readonly status?: number
}

export const errors = {
  badRequest: { code: 400, message: 'Bad Request' },
  unauthorized: { code: 401, message: 'Unauthorized' },
  forbidden: { code: 403, message: 'Forbidden' },
  notFound: { code: 404, message: 'HTTP 404 Not Found' },
  methodNotAllowed: { code: 405, message: 'HTTP 405 Method Not Allowed' },
  notAcceptable: { code: 406, message: 'HTTP 406 Not Acceptable' },
  requestTimeout: { code: 408, message: 'Request Timeout' },
  unsupportedMediaType: { code: 415, message: 'HTTP 415 Unsupported Media Type' },
  payloadTooLarge: { code: 413, message: 'Request Entity Too Large' },
  unprocessable: { code: 422, message: 'Unprocessable Entity' },
  tooManyRequests: { code: 429, message: 'Too Many Requests' },
  internal: { code: 500, message: 'Internal Server Error' },
  badGateway: { code: 502, message: 'Kafka protocol version not supported.' },
  serviceUnavailable: { code: 503, message: 'Service Unavailable' },

  consumerConfigConstraint: { code: 40001, message: 'Invalid consumer configuration.', status: 422 },
  kafkaBadRequest: { code: 40002, message: 'Bad request.' },
  kafkaAuthentication: { code: 40101, message: 'Authentication failed.' },
  kafkaAuthorization: { code: 40301, message: 'Not authorized.' },
  topicNotFound: { code: 40401, message: 'Topic not found.' },
  partitionNotFound: { code: 40402, message: 'Partition not found.' },
  consumerInstanceNotFound: { code: 40403, message: 'Consumer instance not found.' },
  unknownTopicOrPartition: { code: 40403, message: 'This server does not host this topic-partition.' },
  leaderNotAvailable: { code: 40404, message: 'Leader not available.' },
  consumerFormatMismatch: {
    code: 40601,
    message: 'The requested embedded data format does not match the deserializer for this consumer instance'
  },
  serialization: { code: 40801, message: 'Error deserializing message.' },
  consumerAlreadyExists: {
    code: 40902,
    message: 'Consumer with specified consumer ID already exists in the specified consumer group.'
  },
  illegalState: { code: 40903, message: 'Illegal state.' },
  keySchemaMissing: { code: 42201, message: 'Request includes keys but does not include key schema' },
  valueSchemaMissing: { code: 42202, message: 'Request includes values but does not include value schema' },
  invalidConsumerConfig: { code: 42204, message: 'Invalid consumer configuration.' },
  invalidSchema: { code: 42205, message: 'Invalid schema.' },
  payload: { code: 42206, message: 'Payload error.' },
  serializing: { code: 42207, message: 'Error serializing message.' },
  batchPayload: { code: 42208, message: 'Payload error.' },
  throttled: { code: 42901, message: 'Request throttled by Kafka quota.' },
  kafka: { code: 50002, message: 'Kafka error.' },
  kafkaRetriable: { code: 50003, message: 'Kafka retriable error.' },
  brokerNotAvailable: { code: 50302, message: 'Broker not available.' }
} as const satisfies Record<string, ErrorSpec>

export type ErrorName = keyof typeof errors

export function statusOf(spec: ErrorSpec): number {
  if (spec.status !== undefined) return spec.status
  return spec.code >= 1000 ? Math.floor(spec.code / 100) : spec.code
}

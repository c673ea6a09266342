// Every setting the proxy reads, declared once: Confluent's key, type, default and a one-line doc. The Config
// type, --help, the README table and the loader's validation all derive from this table.
// Keys follow Confluent REST Proxy (kafka-rest + rest-utils) where one exists; the few of our own are marked.

export type SettingType = 'string' | 'int' | 'boolean' | 'list'

export interface SettingDef {
  readonly type: SettingType
  readonly default: string | number | boolean | readonly string[]
  readonly doc: string
  readonly min?: number
  readonly max?: number
  readonly oneOf?: readonly string[]
}

// Confluent's subject name strategy classes (schema.registry.*.subject.name.strategy), the default first.
const subjectStrategies = [
  'io.confluent.kafka.serializers.subject.TopicNameStrategy',
  'io.confluent.kafka.serializers.subject.RecordNameStrategy',
  'io.confluent.kafka.serializers.subject.TopicRecordNameStrategy'
]

export const settings = {
  'bootstrap.servers': {
    type: 'list',
    default: [],
    doc: 'Kafka brokers to bootstrap from (host:port, optional PLAINTEXT:// or SASL_SSL:// prefix). `npm start` runs a local dev broker when empty.'
  },
  listeners: {
    type: 'list',
    default: [],
    doc: 'HTTP listeners, e.g. http://0.0.0.0:8082. Empty means http://0.0.0.0:<port>.'
  },
  port: {
    type: 'int',
    default: 8082,
    min: 0,
    max: 65535,
    doc: 'Port used when `listeners` is empty (deprecated upstream).'
  },
  'advertised.listeners': {
    type: 'list',
    default: [],
    doc: 'Public URLs of this proxy; the first one with the request scheme is used for absolute URLs (base_uri, self links).'
  },
  'host.name': {
    type: 'string',
    default: '',
    doc: 'Host for absolute URLs when no advertised listener matches (deprecated upstream).'
  },
  id: {
    type: 'string',
    default: '',
    doc: 'Unique id of this proxy instance; part of generated consumer instance names.'
  },
  'api.v2.enable': { type: 'boolean', default: true, doc: 'Serve the v2 API (/topics, /brokers, /consumers, /).' },
  'api.v3.enable': { type: 'boolean', default: true, doc: 'Serve the v3 API (/v3/...).' },
  'confluent.resource.name.authority': {
    type: 'string',
    default: '',
    doc: 'Authority of v3 resource names (crn://<authority>/...).'
  },
  debug: { type: 'boolean', default: false, doc: 'Append the cause of internal errors to error messages.' },
  'request.body.max.bytes': {
    type: 'int',
    default: 67108864,
    min: 1,
    doc: '(ours) Largest accepted request body; larger bodies get 413.'
  },
  'kafka.operation.timeout.ms': {
    type: 'int',
    default: 15000,
    min: 100,
    doc: '(ours) Upper bound of every Kafka operation made for one HTTP request, retries included; past it the request fails with 50003.'
  },
  'log.level': {
    type: 'string',
    default: 'info',
    oneOf: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    doc: '(ours) Log level; each HTTP request is logged at info.'
  },
  'api.v3.produce.batch.maximum.entries': {
    type: 'int',
    default: 10,
    min: 1,
    max: 50,
    doc: 'Most entries in one v3 records:batch request.'
  },
  'api.v3.produce.request.size.limit.max.bytes': {
    type: 'int',
    default: 0,
    min: 0,
    doc: 'Largest single record object in a v3 produce stream (0 = no limit); a larger one ends the stream with a 400 report.'
  },
  'streaming.connection.max.duration.ms': {
    type: 'int',
    default: 86400000,
    min: 1,
    doc: 'How long one v3 streaming produce request may stay open; later records get 408 and the stream is closed.'
  },
  'streaming.connection.max.duration.grace.period.ms': {
    type: 'int',
    default: 500,
    min: 0,
    doc: 'Time between the first 408 report and closing the stream.'
  },
  'api.v3.produce.rate.limit.enabled': {
    type: 'boolean',
    default: false,
    doc: 'Limit v3 produce rates (per-record 429).'
  },
  'api.v3.produce.rate.limit.max.requests.per.sec': {
    type: 'int',
    default: 10000,
    min: 1,
    doc: 'v3 records per second per cluster id.'
  },
  'api.v3.produce.rate.limit.max.requests.global.per.sec': {
    type: 'int',
    default: 10000,
    min: 1,
    doc: 'v3 records per second for the whole proxy.'
  },
  'api.v3.produce.rate.limit.max.bytes.per.sec': {
    type: 'int',
    default: 10000000,
    min: 1,
    doc: 'v3 request bytes per second per cluster id.'
  },
  'api.v3.produce.rate.limit.max.bytes.global.per.sec': {
    type: 'int',
    default: 10000000,
    min: 1,
    doc: 'v3 request bytes per second for the whole proxy.'
  },
  'api.v3.produce.rate.limit.cache.expiry.ms': {
    type: 'int',
    default: 3600000,
    min: 1,
    doc: 'How long per-cluster rate state is kept after its last use.'
  },
  'produce.inflight.max.bytes': {
    type: 'int',
    default: 134217728,
    min: 1,
    doc: '(ours) Request bytes all produce requests together may hold in memory; beyond it v2/batch requests get 429 with Retry-After and streams pause.'
  },
  'consumer.request.timeout.ms': {
    type: 'int',
    default: 1000,
    min: 0,
    doc: 'Longest wait of a v2 GET /records (the `timeout` query and the instance setting can shorten or set it); a read answers as soon as records are there.'
  },
  'consumer.request.max.bytes': {
    type: 'int',
    default: 67108864,
    min: 1,
    doc: 'Most key+value bytes one v2 GET /records returns (`max_bytes` can lower it).'
  },
  'consumer.instance.timeout.ms': {
    type: 'int',
    default: 300000,
    min: 1,
    doc: 'Idle time after which a v2 consumer instance is closed (it commits when auto-commit is on and leaves its group).'
  },
  'fetch.min.bytes': {
    type: 'int',
    default: -1,
    min: -1,
    max: 10000000,
    doc: 'Default bytes a v2 read waits for before answering (-1: answer as soon as there is any record).'
  },
  'consumer.read.ahead.enable': {
    type: 'boolean',
    default: true,
    doc: "(ours) After a v2 read that filled its max_bytes, render the next answer from the records already fetched while the client handles this one, so its next read answers at once. Positions and commits move only when a read hands the records out; a seek or rebalance in between puts them back. Costs up to one answer's memory per instance."
  },
  'consumer.instances.max': {
    type: 'int',
    default: 1000,
    min: 1,
    doc: '(ours) Most v2 consumer instances this proxy holds; creating one more answers 429.'
  },
  'schema.registry.url': {
    type: 'list',
    default: [],
    doc: "Schema Registry base URL(s) (Confluent API; a path prefix such as /apis/ccompat/v7 is kept; more URLs are tried in turn when one does not answer). Empty disables the schema'd formats (upstream defaults to http://localhost:8081)."
  },
  'schema.registry.basic.auth.credentials.source': {
    type: 'string',
    default: 'URL',
    oneOf: ['URL', 'USER_INFO'],
    doc: 'Where the Schema Registry basic-auth credentials come from: the URL (http://user:password@host) or schema.registry.basic.auth.user.info.'
  },
  'schema.registry.basic.auth.user.info': {
    type: 'string',
    default: '',
    doc: 'user:password for the Schema Registry, with credentials source USER_INFO.'
  },
  'schema.registry.ssl.truststore.location': {
    type: 'string',
    default: '',
    doc: 'PEM file of the CA certificates to trust for an https Schema Registry (upstream: a JKS/PKCS12 store). Empty: the default CAs.'
  },
  'schema.registry.request.timeout.ms': {
    type: 'int',
    default: 10000,
    min: 1,
    doc: '(ours) Upper bound of every Schema Registry call (all URLs tried, answer read); past it the record fails with 42207 (produce) or 40801 (consume).'
  },
  'schema.registry.key.subject.name.strategy': {
    type: 'string',
    default: subjectStrategies[0],
    oneOf: subjectStrategies,
    doc: "Subject of a key schema when a request names neither a subject nor a strategy (v2 key_schema/key_schema_id, v3 schema'd keys): <topic>-key, the record's full name, or <topic>-<full name>."
  },
  'schema.registry.value.subject.name.strategy': {
    type: 'string',
    default: subjectStrategies[0],
    oneOf: subjectStrategies,
    doc: 'The same for values (<topic>-value by default).'
  },
  'shutdown.graceful.ms': {
    type: 'int',
    default: 5000,
    min: 0,
    doc: 'Time given to in-flight requests on SIGTERM before connections are closed.'
  }
} as const satisfies Record<string, SettingDef>

export type SettingKey = keyof typeof settings

type ValueOf<T extends SettingType> = T extends 'int'
  ? number
  : T extends 'boolean'
    ? boolean
    : T extends 'list'
      ? readonly string[]
      : string

// Pass-through namespaces (prefix stripped): `client.` goes to every Kafka client, the others to one kind.
export const passthroughPrefixes = ['client', 'producer', 'consumer', 'admin'] as const
export type PassthroughPrefix = (typeof passthroughPrefixes)[number]

export type Config = { readonly [K in SettingKey]: ValueOf<(typeof settings)[K]['type']> } & {
  readonly passthrough: { readonly [P in PassthroughPrefix]: Readonly<Record<string, string>> }
}

// Confluent settings we recognise but do not implement yet: named in a warning instead of "unknown key".
export const recognisedUnsupported: readonly string[] = [
  'consumer.iterator.backoff.ms',
  'consumer.threads',
  'api.endpoints.allowlist',
  'api.endpoints.blocklist',
  'authentication.method',
  'access.control.allow.origin',
  'compression.enable',
  'listener.protocol.map',
  'ssl.keystore.location',
  'ssl.client.authentication',
  'rate.limit.enable',
  'response.http.headers.config'
]

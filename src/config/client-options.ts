// Translates the Java-style pass-through settings (client.*, admin.*, producer.*, consumer.*) into options of
// our Kafka client. Only keys in `supported` are honoured; every other key is named in a warning, never dropped
// silently. `client.*` applies to every client; a kind-specific key overrides it.
import { readFileSync } from 'node:fs'
import { type Config, type PassthroughPrefix } from './settings.ts'

export interface TlsSettings {
  ca?: string
  cert?: string
  key?: string
  passphrase?: string
  servername?: string
  checkServerIdentity?: () => undefined
}

export interface SaslSettings {
  mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'
  username: string
  password: string
}

export interface KafkaClientSettings {
  bootstrapBrokers: string[]
  clientId: string
  timeout?: number
  connectTimeout?: number
  retries?: number
  retryDelay?: number
  metadataMaxAge?: number
  clientRack?: string
  tls?: TlsSettings
  sasl?: SaslSettings
}

interface Draft extends Omit<KafkaClientSettings, 'bootstrapBrokers' | 'clientId'> {
  clientId?: string
  securityProtocol?: string
  saslMechanism?: string
  jaas?: string
  truststore?: { location?: string; type?: string; certificates?: string }
  keystore?: { location?: string; type?: string; key?: string; chain?: string }
  keyPassword?: string
  noHostnameCheck?: boolean
  producer?: Partial<ProducerTuningSettings>
  consumer?: Partial<ConsumerTuningSettings>
}

// How the shared producer behaves; from producer.* (or client.*) keys, Java names, our defaults.
export interface ProducerTuningSettings {
  acks: -1 | 0 | 1
  idempotent: boolean
  compression: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'
  lingerMs: number
  batchBytes: number
  maxRequestBytes: number
  deliveryTimeoutMs: number
  metadataTimeoutMs: number
  // Producers in the pool (max.in.flight.requests.per.connection): the client keeps one request in flight per
  // idempotent producer, so this is how many sends can be at a broker at once.
  poolSize: number
}

export const producerDefaults: ProducerTuningSettings = {
  acks: -1,
  idempotent: true,
  compression: 'none',
  lingerMs: 0,
  batchBytes: 1048576,
  maxRequestBytes: 1048576,
  deliveryTimeoutMs: 30000,
  metadataTimeoutMs: 5000,
  poolSize: 5
}

// Consumer keys of the Java client that v2 consumer instances honour (consumer.* or client.*).
export interface ConsumerTuningSettings {
  fetchMaxBytes: number
  partitionMaxBytes: number
  sessionTimeoutMs: number
  heartbeatIntervalMs: number
  rebalanceTimeoutMs: number
  autoCommitIntervalMs: number
  readCommitted: boolean
}

export const consumerDefaults: ConsumerTuningSettings = {
  fetchMaxBytes: 52428800,
  partitionMaxBytes: 1048576,
  sessionTimeoutMs: 45000,
  heartbeatIntervalMs: 3000,
  rebalanceTimeoutMs: 300000,
  autoCommitIntervalMs: 5000,
  readCommitted: false
}

type Apply = (draft: Draft, value: string) => string | undefined

const int =
  (field: 'timeout' | 'connectTimeout' | 'retries' | 'retryDelay' | 'metadataMaxAge'): Apply =>
  (draft, value) => {
    if (!/^\d+$/.test(value.trim())) return `"${value}" is not a non-negative integer`
    draft[field] = Number(value)
    return undefined
  }

const tuning =
  <K extends keyof ProducerTuningSettings>(
    field: K,
    parse: (value: string) => ProducerTuningSettings[K] | undefined,
    what: string
  ): Apply =>
  (draft, value) => {
    const parsed = parse(value.trim())
    if (parsed === undefined) return `"${value}" is not ${what}`
    ;(draft.producer ??= {})[field] = parsed
    return undefined
  }
const count = (value: string) => (/^\d+$/.test(value) ? Number(value) : undefined)

const acksValues: Record<string, -1 | 0 | 1> = { all: -1, '-1': -1, '1': 1, '0': 0 }

const producerSupported: Record<string, Apply> = {
  acks: tuning('acks', v => acksValues[v], 'all, 1 or 0'),
  'enable.idempotence': tuning(
    'idempotent',
    v => (v === 'true' ? true : v === 'false' ? false : undefined),
    'true or false'
  ),
  'compression.type': tuning(
    'compression',
    v => (['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const).find(c => c === v),
    'none, gzip, snappy, lz4 or zstd'
  ),
  'linger.ms': tuning('lingerMs', count, 'a non-negative integer'),
  'batch.size': tuning('batchBytes', count, 'a non-negative integer'),
  'max.request.size': tuning('maxRequestBytes', count, 'a non-negative integer'),
  'delivery.timeout.ms': tuning('deliveryTimeoutMs', count, 'a non-negative integer'),
  'max.block.ms': tuning('metadataTimeoutMs', count, 'a non-negative integer'),
  'max.in.flight.requests.per.connection': tuning(
    'poolSize',
    v => (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 32 ? Number(v) : undefined),
    'an integer from 1 to 32'
  )
}

const consumerTuning =
  (field: Exclude<keyof ConsumerTuningSettings, 'readCommitted'>): Apply =>
  (draft, value) => {
    const parsed = count(value.trim())
    if (parsed === undefined) return `"${value}" is not a non-negative integer`
    ;(draft.consumer ??= {})[field] = parsed
    return undefined
  }

const consumerSupported: Record<string, Apply> = {
  'fetch.max.bytes': consumerTuning('fetchMaxBytes'),
  'max.partition.fetch.bytes': consumerTuning('partitionMaxBytes'),
  'session.timeout.ms': consumerTuning('sessionTimeoutMs'),
  'heartbeat.interval.ms': consumerTuning('heartbeatIntervalMs'),
  'max.poll.interval.ms': consumerTuning('rebalanceTimeoutMs'),
  'auto.commit.interval.ms': consumerTuning('autoCommitIntervalMs'),
  'isolation.level': (draft, value) => {
    const level = value.trim()
    if (level !== 'read_committed' && level !== 'read_uncommitted')
      return `"${value}" is not read_committed or read_uncommitted`
    ;(draft.consumer ??= {}).readCommitted = level === 'read_committed'
    return undefined
  }
}

const supported: Record<string, Apply> = {
  'client.id': (d, v) => void (d.clientId = v),
  'client.rack': (d, v) => void (d.clientRack = v),
  'request.timeout.ms': int('timeout'),
  'socket.connection.setup.timeout.ms': int('connectTimeout'),
  retries: int('retries'),
  'retry.backoff.ms': int('retryDelay'),
  'metadata.max.age.ms': int('metadataMaxAge'),
  'security.protocol': (d, v) => {
    const protocol = v.trim().toUpperCase()
    if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) return `unknown protocol "${v}"`
    d.securityProtocol = protocol
    return undefined
  },
  'sasl.mechanism': (d, v) => {
    const mechanism = v.trim().toUpperCase()
    if (!['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].includes(mechanism)) {
      return `mechanism "${v}" is not supported (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)`
    }
    d.saslMechanism = mechanism
    return undefined
  },
  'sasl.jaas.config': (d, v) => void (d.jaas = v),
  'ssl.truststore.location': (d, v) => void ((d.truststore ??= {}).location = v),
  'ssl.truststore.type': (d, v) => void ((d.truststore ??= {}).type = v.trim().toUpperCase()),
  'ssl.truststore.certificates': (d, v) => void ((d.truststore ??= {}).certificates = v),
  'ssl.keystore.location': (d, v) => void ((d.keystore ??= {}).location = v),
  'ssl.keystore.type': (d, v) => void ((d.keystore ??= {}).type = v.trim().toUpperCase()),
  'ssl.keystore.key': (d, v) => void ((d.keystore ??= {}).key = v),
  'ssl.keystore.certificate.chain': (d, v) => void ((d.keystore ??= {}).chain = v),
  'ssl.key.password': (d, v) => void (d.keyPassword = v),
  'ssl.endpoint.identification.algorithm': (d, v) => void (d.noHostnameCheck = v.trim() === '')
}

// username="..." password="..." inside a PlainLoginModule / ScramLoginModule JAAS line.
function jaasCredentials(jaas: string): { username?: string; password?: string } {
  const pick = (name: string) => new RegExp(`\\b${name}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(jaas)?.[1]
  return { username: pick('username'), password: pick('password') }
}

function readPem(path: string, what: string, problems: string[]): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    problems.push(`${what}: cannot read ${path}: ${(error as Error).message}`)
    return undefined
  }
}

function finish(draft: Draft, base: { bootstrapBrokers: string[]; clientId: string }, problems: string[]) {
  const {
    securityProtocol = 'PLAINTEXT',
    saslMechanism,
    jaas,
    truststore,
    keystore,
    keyPassword,
    noHostnameCheck
  } = draft
  const out: KafkaClientSettings = { ...base }
  for (const field of ['timeout', 'connectTimeout', 'retries', 'retryDelay', 'metadataMaxAge', 'clientRack'] as const) {
    if (draft[field] !== undefined) (out as unknown as Record<string, unknown>)[field] = draft[field]
  }
  if (draft.clientId) out.clientId = draft.clientId

  if (securityProtocol === 'SSL' || securityProtocol === 'SASL_SSL') {
    const tls: TlsSettings = {}
    for (const [type, what] of [
      [truststore?.type, 'ssl.truststore.type'],
      [keystore?.type, 'ssl.keystore.type']
    ] as const) {
      if (type !== undefined && type !== 'PEM') problems.push(`${what}: only PEM stores are supported, not ${type}`)
    }
    const ca =
      truststore?.certificates ??
      (truststore?.location && readPem(truststore.location, 'ssl.truststore.location', problems))
    if (ca) tls.ca = ca
    if (keystore?.key && keystore.chain) {
      tls.key = keystore.key
      tls.cert = keystore.chain
    } else if (keystore?.location) {
      // A PEM keystore holds the private key and the certificate chain in one file; Node wants both, and
      // picks each block out of the same text.
      const pem = readPem(keystore.location, 'ssl.keystore.location', problems)
      if (pem) tls.key = tls.cert = pem
    }
    if (keyPassword) tls.passphrase = keyPassword
    if (noHostnameCheck) tls.checkServerIdentity = () => undefined
    out.tls = tls
  }
  if (securityProtocol === 'SASL_PLAINTEXT' || securityProtocol === 'SASL_SSL') {
    const { username, password } = jaasCredentials(jaas ?? '')
    if (!username || password === undefined) {
      problems.push('sasl.jaas.config: must name username="..." and password="..." for SASL')
    } else {
      out.sasl = { mechanism: (saslMechanism ?? 'PLAIN') as SaslSettings['mechanism'], username, password }
    }
  }
  return out
}

export interface ClientOptions {
  producerTuning: ProducerTuningSettings
  consumerTuning: ConsumerTuningSettings
  admin: KafkaClientSettings
  producer: KafkaClientSettings
  consumer: KafkaClientSettings
  warnings: string[]
  problems: string[]
}

// Kafka accepts `PLAINTEXT://host:port` style entries in bootstrap.servers; the client wants host:port.
export function bootstrapBrokers(config: Config): string[] {
  return config['bootstrap.servers'].map(entry => entry.replace(/^[A-Za-z_]+:\/\//, ''))
}

export function clientOptions(config: Config): ClientOptions {
  const warnings: string[] = []
  const problems: string[] = []
  const apply = (draft: Draft, prefix: PassthroughPrefix, kindName: 'admin' | 'producer' | 'consumer') => {
    for (const [key, value] of Object.entries(config.passthrough[prefix])) {
      const handler =
        supported[key] ??
        (kindName === 'producer'
          ? producerSupported[key]
          : kindName === 'consumer'
            ? consumerSupported[key]
            : undefined)
      if (!handler) {
        // A producer or consumer key under client.* is meant for that client only, not for the others.
        if (!(prefix === 'client' && (producerSupported[key] || consumerSupported[key]))) {
          warnings.push(`${prefix}.${key} is not supported by this proxy's Kafka client; ignored`)
        }
        continue
      }
      const problem = handler(draft, value)
      if (problem) problems.push(`${prefix}.${key}: ${problem}`)
    }
  }
  const kind = (prefix: 'admin' | 'producer' | 'consumer', draft: Draft = {}) => {
    apply(draft, 'client', prefix)
    apply(draft, prefix, prefix)
    const suffix = config.id ? `-${config.id}` : ''
    return finish(
      draft,
      { bootstrapBrokers: bootstrapBrokers(config), clientId: `kafka-rest${suffix}-${prefix}` },
      problems
    )
  }
  // client.* keys are applied three times; report each problem or warning once.
  const producerDraft: Draft = {}
  const consumerDraft: Draft = {}
  const result = {
    admin: kind('admin'),
    producer: kind('producer', producerDraft),
    consumer: kind('consumer', consumerDraft)
  }
  const producerTuning = { ...producerDefaults, ...producerDraft.producer }
  const consumerTuning = { ...consumerDefaults, ...consumerDraft.consumer }
  if (producerTuning.idempotent && producerTuning.acks !== -1) {
    problems.push(
      'producer.enable.idempotence: an idempotent producer needs acks=all (set enable.idempotence=false for acks 0 or 1)'
    )
  }
  return {
    ...result,
    producerTuning,
    consumerTuning,
    warnings: [...new Set(warnings)],
    problems: [...new Set(problems)]
  }
}

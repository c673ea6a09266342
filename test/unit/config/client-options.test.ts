import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { bootstrapBrokers, clientOptions } from '../../../src/config/client-options.ts'
import { loadConfig } from '../../../src/config/load.ts'

const configWith = (overrides: Record<string, string>) => loadConfig({ overrides }).config

test('bootstrap entries lose their protocol prefix', () => {
  assert.deepEqual(
    bootstrapBrokers(configWith({ 'bootstrap.servers': 'PLAINTEXT://a:9092,b:9093,SASL_SSL://c:9094' })),
    ['a:9092', 'b:9093', 'c:9094']
  )
})

test('client.* applies to every client, kind-specific keys override it', () => {
  const options = clientOptions(
    configWith({
      'bootstrap.servers': 'k:9092',
      'client.request.timeout.ms': '7000',
      'admin.request.timeout.ms': '9000',
      id: 'p1'
    })
  )
  assert.equal(options.admin.timeout, 9000)
  assert.equal(options.producer.timeout, 7000)
  assert.equal(options.admin.clientId, 'kafka-rest-p1-admin')
  assert.deepEqual(options.admin.bootstrapBrokers, ['k:9092'])
  assert.deepEqual(options.problems, [])
})

test('SASL over PLAINTEXT and SSL maps the JAAS credentials', () => {
  const options = clientOptions(
    configWith({
      'client.security.protocol': 'SASL_PLAINTEXT',
      'client.sasl.mechanism': 'SCRAM-SHA-512',
      'client.sasl.jaas.config':
        'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="s3\\"cret";'
    })
  )
  assert.deepEqual(options.admin.sasl, { mechanism: 'SCRAM-SHA-512', username: 'alice', password: 's3\\"cret' })
  assert.equal(options.admin.tls, undefined)
})

test('PEM trust and key stores become TLS options', t => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-rest-tls-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'ca.crt'), 'CA PEM')
  writeFileSync(join(dir, 'client.pem'), 'KEY AND CERT PEM')
  const options = clientOptions(
    configWith({
      'client.security.protocol': 'SSL',
      'client.ssl.truststore.type': 'PEM',
      'client.ssl.truststore.location': join(dir, 'ca.crt'),
      'client.ssl.keystore.type': 'PEM',
      'client.ssl.keystore.location': join(dir, 'client.pem'),
      'client.ssl.endpoint.identification.algorithm': ''
    })
  )
  assert.equal(options.admin.tls?.ca, 'CA PEM')
  assert.equal(options.admin.tls?.key, 'KEY AND CERT PEM')
  assert.equal(options.admin.tls?.cert, 'KEY AND CERT PEM')
  assert.equal(typeof options.admin.tls?.checkServerIdentity, 'function')
})

test('unsupported keys warn once; bad values are problems', () => {
  const options = clientOptions(
    configWith({
      'client.ssl.truststore.type': 'JKS',
      'client.security.protocol': 'SSL',
      'client.sasl.kerberos.service.name': 'kafka',
      'admin.retries': 'many',
      'producer.sasl.mechanism': 'GSSAPI'
    })
  )
  assert.deepEqual(options.warnings, [
    "client.sasl.kerberos.service.name is not supported by this proxy's Kafka client; ignored"
  ])
  assert.deepEqual(options.problems.sort(), [
    'admin.retries: "many" is not a non-negative integer',
    'producer.sasl.mechanism: mechanism "GSSAPI" is not supported (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)',
    'ssl.truststore.type: only PEM stores are supported, not JKS'
  ])
})

test('SASL without credentials is a problem', () => {
  const options = clientOptions(configWith({ 'client.security.protocol': 'SASL_SSL' }))
  assert.deepEqual(options.problems, ['sasl.jaas.config: must name username="..." and password="..." for SASL'])
})

test('max.in.flight.requests.per.connection sizes the producer pool: 5 by default, 1 to 32', () => {
  assert.equal(clientOptions(configWith({})).producerTuning.poolSize, 5)
  assert.equal(clientOptions(configWith({ 'producer.max.in.flight.requests.per.connection': '1' })).producerTuning.poolSize, 1) // prettier-ignore
  assert.equal(clientOptions(configWith({ 'client.max.in.flight.requests.per.connection': '32' })).producerTuning.poolSize, 32) // prettier-ignore
  for (const bad of ['0', '33', 'x'])
    assert.deepEqual(clientOptions(configWith({ 'producer.max.in.flight.requests.per.connection': bad })).problems, [
      `producer.max.in.flight.requests.per.connection: "${bad}" is not an integer from 1 to 32`
    ])
})

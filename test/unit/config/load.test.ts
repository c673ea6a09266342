import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ConfigError, envToKey, listenersOf, loadConfig } from '../../../src/config/load.ts'

test('envToKey follows the Confluent docker convention', () => {
  assert.equal(envToKey('KAFKA_REST_BOOTSTRAP_SERVERS'), 'bootstrap.servers')
  assert.equal(envToKey('KAFKA_REST_CLIENT_SASL_JAAS_CONFIG'), 'client.sasl.jaas.config')
  assert.equal(envToKey('KAFKA_REST_FOO__BAR'), 'foo-bar')
  assert.equal(envToKey('KAFKA_REST_FOO___BAR'), 'foo_bar')
  assert.equal(envToKey('KAFKA_REST_'), undefined)
  assert.equal(envToKey('PATH'), undefined)
})

test('defaults match Confluent', () => {
  const { config, warnings } = loadConfig()
  assert.deepEqual(config['bootstrap.servers'], [])
  assert.equal(config.port, 8082)
  assert.equal(config['api.v2.enable'], true)
  assert.equal(config['api.v3.enable'], true)
  assert.deepEqual(listenersOf(config), [{ scheme: 'http', host: '0.0.0.0', port: 8082 }])
  assert.deepEqual(warnings, [])
  assert.ok(Object.isFrozen(config))
})

test('precedence is file < environment < overrides', t => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-rest-config-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'kafka-rest.properties')
  writeFileSync(file, 'bootstrap.servers=PLAINTEXT://file:9092\nid=from-file\nport=1111\nclient.client.id=x\n')
  const { config } = loadConfig({
    file,
    env: { KAFKA_REST_ID: 'from-env', KAFKA_REST_PORT: '2222', UNRELATED: 'x' },
    overrides: { port: '3333' }
  })
  assert.deepEqual(config['bootstrap.servers'], ['PLAINTEXT://file:9092'])
  assert.equal(config.id, 'from-env')
  assert.equal(config.port, 3333)
  assert.deepEqual(config.passthrough.client, { 'client.id': 'x' })
})

test('every invalid key is reported at once, naming each key', () => {
  assert.throws(
    () =>
      loadConfig({
        overrides: {
          port: 'eighty',
          'api.v2.enable': 'yes',
          listeners: 'tcp://x:1',
          'kafka.operation.timeout.ms': '5',
          'log.level': 'loud'
        }
      }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError)
      assert.equal(error.problems.length, 5)
      const text = error.problems.join('\n')
      for (const key of ['port:', 'api.v2.enable:', 'listeners:', 'kafka.operation.timeout.ms:', 'log.level:']) {
        assert.match(text, new RegExp(`^${key.replaceAll('.', '\\.')}`, 'm'))
      }
      return true
    }
  )
})

test('unknown keys warn; recognised Confluent keys not yet supported say so', () => {
  const { warnings } = loadConfig({ overrides: { 'no.such.key': '1', 'consumer.threads': '5' } })
  assert.deepEqual(warnings, [
    'unknown setting no.such.key (from command line); ignored',
    'consumer.threads is a Confluent REST Proxy setting this version does not support yet; ignored'
  ])
})

test('listeners are parsed, including IPv6 and an empty host', () => {
  const { config } = loadConfig({ overrides: { listeners: 'http://127.0.0.1:8080, http://[::1]:8081,http://:8083' } })
  assert.deepEqual(listenersOf(config), [
    { scheme: 'http', host: '127.0.0.1', port: 8080 },
    { scheme: 'http', host: '::1', port: 8081 },
    { scheme: 'http', host: '0.0.0.0', port: 8083 }
  ])
})

test('a missing configuration file is a clear error', () => {
  assert.throws(() => loadConfig({ file: '/nonexistent/kafka-rest.properties' }), /cannot read configuration file/)
})

test('Schema Registry URLs must be http(s); a trust store must exist', () => {
  assert.throws(
    () =>
      loadConfig({
        overrides: {
          'schema.registry.url': 'http://sr:8081/apis/ccompat/v7,ftp://x,nonsense',
          'schema.registry.ssl.truststore.location': '/no/such/ca.pem'
        }
      }),
    (error: Error) => {
      assert.deepEqual((error as ConfigError).problems, [
        'schema.registry.url: "ftp://x" is not an http(s):// URL',
        'schema.registry.url: "nonsense" is not an http(s):// URL',
        'schema.registry.ssl.truststore.location: /no/such/ca.pem does not exist'
      ])
      return true
    }
  )
  const { config } = loadConfig({ overrides: { 'schema.registry.url': 'https://a:8081, http://b/prefix' } })
  assert.deepEqual(config['schema.registry.url'], ['https://a:8081', 'http://b/prefix'])
  assert.equal(config['schema.registry.basic.auth.credentials.source'], 'URL')
  assert.equal(config['schema.registry.request.timeout.ms'], 10000)
})

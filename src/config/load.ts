// Builds the frozen Config: defaults < .properties file < KAFKA_REST_* environment < CLI overrides.
// Every problem is collected, so one run reports all bad keys at once; unknown keys are warnings.
import { existsSync, readFileSync } from 'node:fs'
import { getProperties } from 'properties-file'
import {
  type Config,
  type PassthroughPrefix,
  type SettingDef,
  type SettingKey,
  passthroughPrefixes,
  recognisedUnsupported,
  settings
} from './settings.ts'

export class ConfigError extends Error {
  readonly problems: readonly string[]

  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map(p => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

export interface LoadInput {
  file?: string
  env?: Record<string, string | undefined>
  overrides?: Record<string, string>
}

export interface LoadResult {
  config: Config
  warnings: string[]
}

// Confluent's docker convention: KAFKA_REST_FOO_BAR → foo.bar, `__` → `-`, `___` → `_`.
export function envToKey(name: string): string | undefined {
  if (!name.startsWith('KAFKA_REST_') || name.length === 'KAFKA_REST_'.length) return undefined
  return name
    .slice('KAFKA_REST_'.length)
    .toLowerCase()
    .split('___')
    .map(part =>
      part
        .split('__')
        .map(p => p.replaceAll('_', '.'))
        .join('-')
    )
    .join('_')
}

const isSetting = (key: string): key is SettingKey => Object.hasOwn(settings, key)

function parseValue(key: string, def: SettingDef, raw: string): { value?: unknown; problem?: string } {
  const text = raw.trim()
  switch (def.type) {
    case 'string':
      if (def.oneOf && !def.oneOf.includes(text))
        return { problem: `${key}: "${text}" is not one of ${def.oneOf.join(', ')}` }
      return { value: text }
    case 'boolean':
      if (text === 'true' || text === 'false') return { value: text === 'true' }
      return { problem: `${key}: "${text}" is not a boolean (true or false)` }
    case 'list':
      return {
        value: text
          .split(',')
          .map(s => s.trim())
          .filter(s => s.length > 0)
      }
    case 'int': {
      if (!/^-?\d+$/.test(text)) return { problem: `${key}: "${text}" is not an integer` }
      const n = Number(text)
      if (!Number.isSafeInteger(n)) return { problem: `${key}: "${text}" is out of range` }
      if (def.min !== undefined && n < def.min) return { problem: `${key}: ${n} is below the minimum ${def.min}` }
      if (def.max !== undefined && n > def.max) return { problem: `${key}: ${n} is above the maximum ${def.max}` }
      return { value: n }
    }
  }
}

function readPropertiesFile(file: string, problems: string[]): Record<string, string> {
  try {
    return getProperties(readFileSync(file, 'utf8'))
  } catch (error) {
    problems.push(`cannot read configuration file ${file}: ${(error as Error).message}`)
    return {}
  }
}

export function loadConfig(input: LoadInput = {}): LoadResult {
  const problems: string[] = []
  const warnings: string[] = []
  const raw = new Map<string, { value: string; from: string }>()

  if (input.file) {
    for (const [key, value] of Object.entries(readPropertiesFile(input.file, problems))) {
      raw.set(key, { value, from: input.file })
    }
  }
  for (const [name, value] of Object.entries(input.env ?? {})) {
    const key = envToKey(name)
    if (key !== undefined && value !== undefined) raw.set(key, { value, from: name })
  }
  for (const [key, value] of Object.entries(input.overrides ?? {})) raw.set(key, { value, from: 'command line' })

  const values: Record<string, unknown> = {}
  for (const [key, def] of Object.entries(settings)) values[key] = def.default
  const passthrough = Object.fromEntries(passthroughPrefixes.map(p => [p, {}])) as Record<
    PassthroughPrefix,
    Record<string, string>
  >

  for (const [key, { value, from }] of raw) {
    if (isSetting(key)) {
      const parsed = parseValue(key, settings[key], value)
      if (parsed.problem) problems.push(`${parsed.problem} (from ${from})`)
      else values[key] = parsed.value
      continue
    }
    if (recognisedUnsupported.includes(key)) {
      warnings.push(`${key} is a Confluent REST Proxy setting this version does not support yet; ignored`)
      continue
    }
    const prefix = passthroughPrefixes.find(p => key.startsWith(`${p}.`))
    if (prefix) {
      passthrough[prefix][key.slice(prefix.length + 1)] = value
      continue
    }
    warnings.push(`unknown setting ${key} (from ${from}); ignored`)
  }

  for (const listener of values.listeners as string[]) {
    const problem = checkListener(listener)
    if (problem) problems.push(`listeners: ${problem}`)
  }
  for (const url of values['advertised.listeners'] as string[]) {
    if (!/^https?:\/\/[^/]+/.test(url)) problems.push(`advertised.listeners: "${url}" is not an http(s):// URL`)
  }

  for (const url of values['schema.registry.url'] as string[]) {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
      problems.push(`schema.registry.url: "${url}" is not an http(s):// URL`)
  }
  const truststore = values['schema.registry.ssl.truststore.location'] as string
  if (truststore && !existsSync(truststore))
    problems.push(`schema.registry.ssl.truststore.location: ${truststore} does not exist`)

  if (problems.length > 0) throw new ConfigError(problems)
  return { config: Object.freeze({ ...values, passthrough }) as unknown as Config, warnings }
}

export interface Listener {
  scheme: 'http' | 'https'
  host: string
  port: number
}

const listenerPattern = /^(https?):\/\/(\[[0-9a-fA-F:.]+\]|[^:/]*):(\d{1,5})\/?$/

function checkListener(listener: string): string | undefined {
  const match = listenerPattern.exec(listener)
  if (!match) return `"${listener}" is not of the form http://host:port`
  if (match[1] === 'https')
    return `"${listener}": https listeners are not supported yet; terminate TLS in front of the proxy`
  if (Number(match[3]) > 65535) return `"${listener}": port out of range`
  return undefined
}

export function listenersOf(config: Config): Listener[] {
  if (config.listeners.length === 0) return [{ scheme: 'http', host: '0.0.0.0', port: config.port }]
  return config.listeners.map(listener => {
    const [, scheme, host, port] = listenerPattern.exec(listener)!
    return {
      scheme: scheme as 'http',
      host: host === '' ? '0.0.0.0' : host.replace(/^\[|\]$/g, ''),
      port: Number(port)
    }
  })
}

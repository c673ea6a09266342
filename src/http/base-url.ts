// Absolute URLs for v2 base_uri and v3 self/related links, built the way Confluent builds them (reference
// §4.3): the first advertised listener with the request's scheme; else host.name, with the listener port only
// when the request named a port; else the request's own Host.
import { type Config } from '../config/settings.ts'
import { listenersOf } from '../config/load.ts'

export interface RequestInfo {
  protocol: string
  host: string | undefined
}

export type BaseUrlResolver = (request: RequestInfo) => string

export function createBaseUrlResolver(config: Config): BaseUrlResolver {
  const advertised = new Map<string, string>()
  for (const url of config['advertised.listeners']) {
    const scheme = url.slice(0, url.indexOf(':')).toLowerCase()
    if (!advertised.has(scheme)) advertised.set(scheme, url.replace(/\/+$/, ''))
  }
  const hostName = config['host.name']
  const listenerPort = new Map(listenersOf(config).map(l => [l.scheme as string, l.port]))

  return ({ protocol, host }) => {
    const fromAdvertised = advertised.get(protocol)
    if (fromAdvertised) return fromAdvertised
    const requestHost = host ?? 'localhost'
    if (hostName) {
      const hasPort = /:\d+$/.test(requestHost)
      const port = listenerPort.get(protocol)
      return `${protocol}://${hostName}${hasPort && port !== undefined ? `:${port}` : ''}`
    }
    return `${protocol}://${requestHost}`
  }
}

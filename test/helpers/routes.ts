// Every route the app registers, as "METHOD /path" with fastify's syntax (`:param`, `::` for a literal colon):
// the app is built with services that are never called, and fastify's 'fastify.initialization' diagnostics
// channel lets an onRoute hook in before any plugin registers a route.
import { channel } from 'node:diagnostics_channel'
import { type FastifyInstance, type RouteOptions } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config/load.ts'
import { type Services } from '../../src/services/index.ts'

export interface RegisteredRoute {
  method: string
  url: string
}

export async function registeredRoutes(overrides: Record<string, string> = {}): Promise<RegisteredRoute[]> {
  const routes: RegisteredRoute[] = []
  const onInit = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance }
    fastify.addHook('onRoute', (route: RouteOptions) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url })
    })
  }
  const init = channel('fastify.initialization')
  init.subscribe(onInit)
  let app: FastifyInstance
  try {
    const { config } = loadConfig({ overrides: { 'bootstrap.servers': 'unused:9092', ...overrides } })
    const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('not used')) })
    const services = new Proxy({}, { get: () => unused }) as Services
    app = await buildApp(config, { services, logger: false })
  } finally {
    init.unsubscribe(onInit)
  }
  await app.close()
  return routes
}

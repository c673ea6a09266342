// Builds a proxy in-process against the test cluster; closed after the test.
import { type TestContext } from 'node:test'
import { type FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config/load.ts'
import { bootstrapServers } from './kafka.ts'

export async function startProxy(t: TestContext, overrides: Record<string, string> = {}): Promise<FastifyInstance> {
  const { config } = loadConfig({ overrides: { 'bootstrap.servers': bootstrapServers(), ...overrides } })
  const app = await buildApp(config, { logger: false })
  t.after(() => app.close())
  return app
}

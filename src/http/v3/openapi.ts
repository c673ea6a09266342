// This proxy's own OpenAPI document of the whole v3 API and our extensions (written for this project, generated
// into openapi/ by scripts/generate-openapi.ts). Read once when the v3 routes are registered.
//   GET /v3/openapi.json   200 application/json
//   GET /v3/openapi.yaml   200 application/yaml
import { readFileSync } from 'node:fs'
import { type FastifyInstance } from 'fastify'

// src/http/v3 and dist/http/v3 are both three levels below the package root, where openapi/ lives.
const documentUrl = (name: string) => new URL(`../../../openapi/${name}`, import.meta.url)

export function openApiRoutes(app: FastifyInstance): void {
  const json = readFileSync(documentUrl('openapi.json'))
  const yaml = readFileSync(documentUrl('openapi.yaml'))

  // Buffers go out as they are: no serializer runs on them.
  app.get('/openapi.json', (_request, reply) => reply.send(json))
  app.get('/openapi.yaml', { config: { produces: [{ type: 'application/yaml' }] } }, (_request, reply) =>
    reply.send(yaml)
  )
}

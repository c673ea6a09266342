// The v2 API at the root path. Errors render with the v2 media type (or the negotiated embedded type).
import { type FastifyInstance } from 'fastify'
import { errorHandler } from '../errors.ts'
import { mediaTypes } from '../media.ts'
import { consumerRoutes } from './consumers.ts'
import { metadataRoutes } from './metadata.ts'
import { produceRoutes } from './produce.ts'

export function v2Plugin(debug: boolean) {
  return (app: FastifyInstance, _options: unknown, done: () => void) => {
    app.setErrorHandler(errorHandler(mediaTypes.v2, debug))
    metadataRoutes(app)
    produceRoutes(app)
    consumerRoutes(app)
    done()
  }
}

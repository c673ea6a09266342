// Renders every failure as Confluent's {"error_code","message"} body. Each API version registers its own
// handler (v2 answers with the v2 media type, v3 with application/json); unknown paths and wrong methods are
// answered here too, as Jersey would: 404 for an unknown path, 405 for a known path with another method.
import { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'
import { mediaTypes, setJsonType } from './media.ts'

// fastify's own errors, by code, to the Confluent error they mean.
const fastifyErrors: Record<string, (error: FastifyError) => RestError> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new RestError(errors.unsupportedMediaType),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: e => new RestError(errors.badRequest, e.message),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new RestError(errors.payloadTooLarge),
  FST_ERR_CTP_INVALID_JSON_BODY: e => new RestError(errors.badRequest, `Bad Request: ${e.message}`),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new RestError(errors.unprocessable, 'Request body is empty. Data is required.')
}

export function toRestError(error: FastifyError | Error, debug: boolean): RestError {
  if (error instanceof RestError) return error
  const fastifyError = error as FastifyError
  const known = fastifyError.code ? fastifyErrors[fastifyError.code] : undefined
  if (known) return known(fastifyError)
  if (fastifyError.validation) return new RestError(errors.unprocessable, fastifyError.message)
  if (error instanceof SyntaxError) return new RestError(errors.badRequest, `Bad Request: ${error.message}`)
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new RestError({ code: fastifyError.statusCode, message: fastifyError.message })
  }
  const message = debug ? `Internal Server Error: ${error.stack ?? error.message}` : errors.internal.message
  return new RestError(errors.internal, message)
}

export function errorHandler(contentType: string, debug: boolean) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const rest = toRestError(error, debug)
    if (rest.status >= 500) request.log.error({ err: error }, 'request failed')
    // A negotiated embedded type (e.g. binary on GET /records) stays; anything else gets the API's own type.
    const negotiated = request.negotiatedType
    const type = negotiated?.startsWith('application/vnd.kafka.') ? negotiated : contentType
    setJsonType(reply, type)
    void reply
      .code(rest.status)
      .headers(rest.headers ?? {})
      .send(rest.toJSON())
  }
}

interface KnownRoute {
  pattern: RegExp
  methods: Set<string>
}

export function installFallbacks(app: FastifyInstance, debug: boolean): void {
  const routes = new Map<string, KnownRoute>()
  app.addHook('onRoute', route => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const source = route.url
      .split('/')
      .map(segment =>
        // fastify writes a literal colon as '::' (records::batch)
        segment.startsWith(':') ? '[^/]+' : segment.replaceAll('::', ':').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      )
      .join('/')
    const known = routes.get(route.url) ?? { pattern: new RegExp(`^${source}/?$`), methods: new Set<string>() }
    for (const method of methods) known.methods.add(method)
    routes.set(route.url, known)
  })

  app.setErrorHandler(errorHandler(mediaTypes.json, debug))
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0]
    const allowed = new Set<string>()
    for (const route of routes.values()) {
      if (route.pattern.test(path)) for (const method of route.methods) allowed.add(method)
    }
    if (allowed.size === 0) {
      setJsonType(reply, mediaTypes.json)
      void reply.code(404).send(new RestError(errors.notFound).toJSON())
      return
    }
    if (request.method === 'OPTIONS') {
      void reply
        .code(204)
        .header('allow', [...allowed, 'OPTIONS'].join(', '))
        .send()
      return
    }
    setJsonType(reply, mediaTypes.json)
    void reply
      .code(405)
      .header('allow', [...allowed].join(', '))
      .send(new RestError(errors.methodNotAllowed).toJSON())
  })
}

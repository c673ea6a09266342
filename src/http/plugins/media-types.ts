// Content negotiation in Jersey's order: the request Content-Type first (415, with a JSON error body), then
// Accept (406, with no body). Runs in onRequest, before the body is read, so a refused request costs nothing.
import { errorCodes, type FastifyInstance } from 'fastify'
import { errors } from '../../errors/codes.ts'
import { RestError } from '../../errors/rest-error.ts'
import { essence, jsonBodyTypes, negotiate, setJsonType } from '../media.ts'
import { parseExact } from '../../serde/exact-json.ts'
import { addRouteHook } from './route-hook.ts'

const invalidJson = errorCodes.FST_ERR_CTP_INVALID_JSON_BODY

export function installMediaTypes(app: FastifyInstance): void {
  // Only JSON bodies exist in this API: drop fastify's text/plain parser and parse every JSON-ish type alike.
  app.removeAllContentTypeParsers()
  app.decorateRequest('bodyHasEscapes', true)
  app.addContentTypeParser(jsonBodyTypes as string[], { parseAs: 'string' }, (request, body, done) => {
    // An empty body is "no body" (the routes answer it with their own 422), not a JSON syntax error.
    const text = body as string
    if (text.trim() === '') {
      done(null, undefined)
      return
    }
    // As fastify's own parser answers: any syntax error, or a "__proto__" key, is "not valid JSON" (400).
    let value: unknown
    try {
      value = parseExact(text, true)
    } catch {
      done(new invalidJson(), undefined)
      return
    }
    request.bodyHasEscapes = text.includes('\\')
    done(null, value)
  })

  app.decorateRequest('negotiatedType', '')
  addRouteHook(app, ({ consumes, produces }) => {
    if (!consumes && !produces) return undefined
    return (request, reply, done) => {
      const hasBody =
        request.headers['transfer-encoding'] !== undefined ||
        (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0')
      if (consumes && hasBody && !consumes.includes(essence(request.headers['content-type']))) {
        done(new RestError(errors.unsupportedMediaType))
        return
      }
      if (produces) {
        const chosen = negotiate(request.headers.accept, produces)
        if (chosen === undefined) {
          void reply.code(406).send()
          return
        }
        setJsonType(reply, chosen)
        request.negotiatedType = chosen
      }
      done()
    }
  })
}

// Admission of whole produce requests against the in-flight byte budget, before their body is read: a route
// with `config.admit` reserves its Content-Length (or the body limit when unknown) and gives it back when the
// response is done or the client goes away. A full budget answers 429 with Retry-After.
import { type FastifyInstance, type FastifyRequest } from 'fastify'
import { errors } from '../../errors/codes.ts'
import { RestError } from '../../errors/rest-error.ts'
import { type ByteBudget } from '../../util/byte-budget.ts'
import { addRouteHook } from './route-hook.ts'

export function installAdmission(app: FastifyInstance, budget: ByteBudget, bodyLimit: number): void {
  app.decorateRequest('admittedBytes', 0)
  addRouteHook(app, ({ admit }) => (admit ? admitBody : undefined))
  function admitBody(request: FastifyRequest, _reply: unknown, done: (error?: Error) => void): void {
    const length = Number(request.headers['content-length'])
    const bytes = Number.isFinite(length) && length >= 0 ? length : bodyLimit
    if (!budget.tryAcquire(bytes)) {
      done(
        new RestError(errors.tooManyRequests, 'Too many produce bytes in flight; retry shortly.', {
          headers: { 'retry-after': '1' }
        })
      )
      return
    }
    request.admittedBytes = bytes
    done()
  }
  const release = (request: FastifyRequest) => {
    const bytes = request.admittedBytes
    if (bytes === 0) return
    request.admittedBytes = 0
    budget.release(bytes)
  }
  app.addHook('onResponse', (request, _reply, done) => {
    release(request)
    done()
  })
  app.addHook('onRequestAbort', (request, done) => {
    release(request)
    done()
  })
}

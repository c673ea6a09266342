// A route-level onRequest hook on every route, made from that route's own config. A global onRequest hook reads
// the config through `request.routeOptions`, which fastify builds anew (a dozen fields and a constraint lookup)
// on every access; here each route reads its config once, at its first request, when every onRoute hook has run
// (the v3 plugin's fills in defaults after the root's hooks).
import { type FastifyContextConfig, type FastifyInstance, type onRequestHookHandler } from 'fastify'

/** `make` returns the hook for a route's config, or undefined when the route needs none. */
export function addRouteHook(
  app: FastifyInstance,
  make: (config: FastifyContextConfig) => onRequestHookHandler | undefined
): void {
  app.addHook('onRoute', route => {
    let hook: onRequestHookHandler | undefined | null = null
    const run: onRequestHookHandler = function (request, reply, done) {
      if (hook === null) hook = make(route.config ?? {})
      if (hook === undefined) {
        done()
        return
      }
      return hook.call(this, request, reply, done)
    }
    const own = route.onRequest
    route.onRequest = own === undefined ? [run] : [...(Array.isArray(own) ? own : [own]), run]
  })
}

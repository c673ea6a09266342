// Route options our plugins read. Type-only: erased at run time.
import { type Offer } from './media.ts'
import { type Services } from '../services/index.ts'
import { type BaseUrlResolver } from './base-url.ts'
import { type ByteBudget } from '../util/byte-budget.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    // Response media types this route can produce, in server preference order (406 when none is acceptable).
    produces?: readonly Offer[]
    // Request media types this route accepts (415 otherwise); only checked when the request has a body.
    consumes?: readonly string[]
    // Reserve the request's bytes in the produce in-flight budget before reading it (429 when full).
    admit?: boolean
  }
  interface FastifyRequest {
    // The response media type chosen from Accept (empty when the route declares none). Error bodies keep it
    // when it is an embedded type: fastify drops the reply's content type before the error handler runs.
    negotiatedType: string
    // Whether the JSON body's text has a backslash; without one, every string in it is written back to JSON as
    // its characters in quotes (serde/embedded.ts encodeJson).
    bodyHasEscapes: boolean
    // Bytes this request holds in the produce in-flight budget (plugins/admission.ts), until it is answered.
    admittedBytes: number
  }
  interface FastifyInstance {
    services: Services
    baseUrl: BaseUrlResolver
    produceBudget: ByteBudget
  }
}

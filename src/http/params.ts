import { errors } from '../errors/codes.ts'
import { RestError } from '../errors/rest-error.ts'

// An int path parameter as JAX-RS converts it: anything Integer.parseInt rejects is a 404 (no such resource).
export function intParam(value: string): number {
  if (!/^[+-]?\d{1,10}$/.test(value)) throw new RestError(errors.notFound)
  const n = Number(value)
  if (n > 2147483647 || n < -2147483648) throw new RestError(errors.notFound)
  return n
}

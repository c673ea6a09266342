// Swapping one API of a Kafka client: the client looks each API up by name (and picks the version both sides
// speak) through kGetApi; a swap answers that lookup for one name with our own API of the same version.
// fetch-api.ts (records left encoded) and produce-api.ts (batches encoded ahead) use it.
import { createAPI, kGetApi } from '@platformatic/kafka'

type Api = ((...args: unknown[]) => void) & { key: number; version: number }
type GetApi = (name: string, callback: (error: Error | null, api?: Api) => void) => void

export interface ApiParts {
  createRequest: unknown
  parseResponse: unknown
}

const made = new Map<string, Api>()

/**
 * Makes `client` use our `name` API (key `key`): `parts(version)` gives its request and answer functions for the
 * version the client chose, or undefined when we have none for it, which fails the call with `refusal(version)`.
 */
export function swapApi(
  client: object,
  name: string,
  key: number,
  parts: (version: number) => ApiParts | undefined,
  refusal: (version: number) => string
): void {
  const target = client as { [kGetApi]: GetApi }
  const lookUp = target[kGetApi].bind(client)
  target[kGetApi] = (wanted, callback) => {
    if (wanted !== name) return lookUp(wanted, callback)
    lookUp(wanted, (error, api) => {
      if (error || !api) return callback(error)
      const id = `${name}:${api.version}`
      let ours = made.get(id)
      if (!ours) {
        const found = parts(api.version)
        if (!found) return callback(new Error(refusal(api.version)))
        ours = createAPI(key, api.version, found.createRequest as never, found.parseResponse as never) as unknown as Api
        made.set(id, ours)
      }
      callback(null, ours)
    })
  }
}

// Validates v3 response bodies against Confluent's OpenAPI file (../shared/reference), as the real contract.
// OpenAPI 3.0 is not JSON Schema: `nullable` and the file's non-standard `type: int64` are translated first.
import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import yaml from 'js-yaml'

export const openApiPath = new URL('../../../shared/reference/confluent-kafka-rest-v3-openapi.yaml', import.meta.url)

export function translate(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(translate)
  if (node === null || typeof node !== 'object') return node
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' || key === 'example' || key === 'examples' || key.startsWith('x-')) continue
    out[key] = translate(value)
  }
  if (out.type === 'int64' || out.type === 'int32') out.type = 'integer'
  if ((node as { nullable?: boolean }).nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null']
    else return { anyOf: [out, { type: 'null' }] }
  }
  return out
}

interface Spec {
  paths: Record<string, Record<string, { responses?: Record<string, { $ref?: string }> }>>
  components: unknown
}

let cached: { ajv: Ajv; spec: Spec } | undefined

function load() {
  if (cached) return cached
  let text: string
  try {
    text = readFileSync(openApiPath, 'utf8')
  } catch (error) {
    throw new Error(`Confluent's OpenAPI file is expected in shared/reference beside the repository`, { cause: error })
  }
  const spec = yaml.load(text) as Spec
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false })
  ajv.addSchema({ $id: 'openapi', components: translate(spec.components) })
  cached = { ajv, spec }
  return cached
}

const validators = new Map<string, ValidateFunction>()

// Asserts `body` matches the spec's response for (method, path template, status); throws with ajv's errors.
export function assertMatchesSpec(method: string, template: string, status: number, body: unknown): void {
  const { ajv, spec } = load()
  const key = `${method} ${template} ${status}`
  let validate = validators.get(key)
  if (!validate) {
    const operation = spec.paths[template]?.[method.toLowerCase()]
    if (!operation) throw new Error(`no ${method} ${template} in the OpenAPI file`)
    const response = operation.responses?.[String(status)] ?? operation.responses?.[`${String(status)[0]}XX`]
    // Some operations list no 404 though every resource can answer one: errors all share the Error schema.
    let pointer = '/components/schemas/Error'
    if (response?.$ref) pointer = `${response.$ref.slice(1)}/content/application~1json/schema`
    else if (status < 400) throw new Error(`no ${status} response for ${method} ${template}`)
    validate = ajv.compile({ $ref: `openapi#${pointer}` })
    validators.set(key, validate)
  }
  if (!validate(body)) {
    throw new Error(
      `${key} does not match the OpenAPI file: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`
    )
  }
}

// The same check against the document this proxy serves (openapi/openapi.json: Confluent's file plus our
// extensions), for the extension endpoints that Confluent's file does not have.
let served: { ajv: Ajv; spec: Spec } | undefined

export function assertMatchesServedSpec(method: string, template: string, status: number, body: unknown): void {
  if (!served) {
    const spec = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')) as Spec
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false })
    ajv.addSchema({ $id: 'served', components: translate(spec.components) })
    served = { ajv, spec }
  }
  const operation = served.spec.paths[template]?.[method.toLowerCase()]
  if (!operation) throw new Error(`no ${method} ${template} in openapi/openapi.json`)
  const response = operation.responses?.[String(status)] ?? operation.responses?.[`${String(status)[0]}XX`]
  if (!response) throw new Error(`no ${status} response for ${method} ${template} in openapi/openapi.json`)
  const content = (response as { content?: Record<string, { schema?: unknown }> }).content
  const schema = response.$ref
    ? { $ref: `served#${response.$ref.slice(1)}/content/application~1json/schema` }
    : content?.['application/json']?.schema
  if (!schema) {
    if (body !== undefined) throw new Error(`${method} ${template} ${status} has no body in openapi/openapi.json`)
    return
  }
  const validate = served.ajv.compile(
    JSON.parse(JSON.stringify(translate(schema)).replaceAll('"#/components/', '"served#/components/'))
  )
  if (!validate(body)) {
    throw new Error(
      `${method} ${template} ${status} does not match openapi/openapi.json: ${served.ajv.errorsText(validate.errors)}`
    )
  }
}

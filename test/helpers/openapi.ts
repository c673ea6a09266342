// Validates v3 response bodies against Confluent's OpenAPI file (../shared/reference), as the real contract, and
// against our own served document (below). OpenAPI 3.0 is not JSON Schema: `nullable` and the Confluent file's
// non-standard `type: int64` are translated first.
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

// The same check against the document this proxy serves (openapi/openapi.json, written for this project), stricter
// than the check above: the status must be one the operation documents (no fallback), a documented body must be
// there and match, an undocumented one must be absent, and objects may have no property the document does not
// name (the document does not say so itself, to leave clients room for additions; our tests hold our views to it).
interface OurSpec {
  ajv: Ajv
  spec: Spec
  templates: { template: string; pattern: RegExp; params: number }[]
}
let served: OurSpec | undefined

export const servedPath = new URL('../../openapi/openapi.json', import.meta.url)

// Every object schema that lists its properties gets additionalProperties: false (allOf members excepted).
export function closeObjects(node: unknown, inAllOf = false): unknown {
  if (Array.isArray(node)) return node.map(item => closeObjects(item, inAllOf))
  if (node === null || typeof node !== 'object') return node
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === 'allOf' ? (value as unknown[]).map(item => closeObjects(item, true)) : closeObjects(value)
  }
  if (out.properties && out.additionalProperties === undefined && !inAllOf) out.additionalProperties = false
  return out
}

function loadServed(): OurSpec {
  if (served) return served
  const spec = JSON.parse(readFileSync(servedPath, 'utf8')) as Spec
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false })
  ajv.addSchema({ $id: 'served', components: closeObjects(translate(spec.components)) })
  const templates = Object.keys(spec.paths).map(template => {
    const source = template
      .split('/')
      .map(part => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')
    return { template, pattern: new RegExp(`^${source}$`), params: template.split('{').length - 1 }
  })
  served = { ajv, spec, templates }
  return served
}

// The path template of our document that a concrete v3 path (without /v3 and query) belongs to; a literal
// segment wins over a parameter (`/topics/-/configs` over `/topics/{topic_name}/configs`), as in the router.
export function ourTemplate(path: string): string {
  const bare = path.split('?', 1)[0]
  const matches = loadServed().templates.filter(t => t.pattern.test(bare))
  if (matches.length === 0) throw new Error(`no path of openapi/openapi.json matches ${bare}`)
  return matches.reduce((best, t) => (t.params < best.params ? t : best)).template
}

const servedValidators = new Map<string, ValidateFunction | null>()

export function assertMatchesServedSpec(method: string, template: string, status: number, body: unknown): void {
  const { ajv, spec } = loadServed()
  const key = `${method} ${template} ${status}`
  let validate = servedValidators.get(key)
  if (validate === undefined) {
    const operation = spec.paths[template]?.[method.toLowerCase()]
    if (!operation) throw new Error(`no ${method} ${template} in openapi/openapi.json`)
    const response = operation.responses?.[String(status)] ?? operation.responses?.[`${String(status)[0]}XX`]
    if (!response) throw new Error(`${method} ${template} does not document ${status} in openapi/openapi.json`)
    const resolved = (response.$ref ? resolvePointer(spec, response.$ref) : response) as {
      content?: Record<string, { schema?: unknown }>
    }
    const schema = resolved.content?.['application/json']?.schema
    validate = schema
      ? ajv.compile(
          JSON.parse(
            JSON.stringify(closeObjects(translate(schema))).replaceAll('"#/components/', '"served#/components/')
          )
        )
      : null
    servedValidators.set(key, validate)
  }
  if (validate === null) {
    if (body !== undefined) throw new Error(`${key} has no body in openapi/openapi.json, got ${JSON.stringify(body)}`)
    return
  }
  if (!validate(body)) {
    throw new Error(
      `${key} does not match openapi/openapi.json: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`
    )
  }
}

function resolvePointer(document: unknown, ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part.replaceAll('~1', '/')], document)
}

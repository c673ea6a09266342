// JSON Schema data: the JSON form a REST request carries is the datum itself, validated against the schema and
// written as compact JSON text (UTF-8), as Confluent's JSON Schema serializer writes it.
// - The draft comes from `$schema`: draft-04, -06, -07, 2019-09, 2020-12; no `$schema`, or one we do not know,
//   means draft-07, as Confluent's JsonSchema does (it defaults to DRAFT_7 and keeps it for unknown URLs).
// - Unknown keywords are ignored (vendor keywords such as `connect.type` or `javaType` are common), and so are
//   unknown formats, as Confluent's validators do; the formats each draft's specification defines are checked.
// - References (Schema Registry references) are other schemas named by the URL a `$ref` uses: each is made known
//   under its name resolved against the root schema's `$id`, as Confluent registers them.
// - Every schema gets its own Ajv instance (about a millisecond, once per schema): registry schemas from different
//   subjects, or two versions of one subject, often share an `$id`, which one shared instance refuses or, worse,
//   resolves to the wrong schema. What is shared per draft is the meta-schema check (that instance never holds
//   a user schema).
// - Consuming does not validate: Confluent's deserializer validates only with json.fail.invalid.schema=true and
//   the REST Proxy leaves it at false. A payload that is not JSON is an error.
import { Ajv, type AnySchema, type ErrorObject, type Options, type ValidateFunction } from 'ajv'
import { Ajv2019 } from 'ajv/dist/2019.js'
import { Ajv2020 } from 'ajv/dist/2020.js'
import draft06MetaSchema from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' }
import * as draft04 from 'ajv-draft-04'
import * as formats from 'ajv-formats'
import { type ReferencedSchema, type SchemaCodec, SchemaDataError, SchemaParseError } from './schema-codec.ts'
import { stringifyExact } from './exact-json.ts'
import { compactJson } from './json-text.ts'

export type Draft = 'draft-04' | 'draft-06' | 'draft-07' | '2019-09' | '2020-12'

export interface JsonSchemaCodec extends SchemaCodec {
  readonly draft: Draft
}

type AjvInstance = InstanceType<typeof Ajv>
// ajv-draft-04 and ajv-formats are CommonJS modules whose function is their `default` export.
const AjvDraft04 = (draft04 as unknown as { default: typeof Ajv }).default
const addFormats = (formats as unknown as { default: (ajv: AjvInstance, list: string[]) => AjvInstance }).default

// The formats each draft's specification defines (and ajv-formats implements); others are ignored, as upstream.
const draft04Formats = ['date-time', 'email', 'hostname', 'ipv4', 'ipv6', 'uri']
const draft06Formats = [...draft04Formats, 'uri-reference', 'uri-template', 'json-pointer']
const draft07Formats = [...draft06Formats, 'date', 'time', 'regex', 'relative-json-pointer']
const draft2019Formats = [...draft07Formats, 'duration', 'uuid']

interface DraftKind {
  create: (options: Options) => AjvInstance
  metaSchema: string
  idKeyword: '$id' | 'id'
  formats: string[]
}

const drafts: Record<Draft, DraftKind> = {
  'draft-04': {
    create: options => new AjvDraft04(options),
    metaSchema: 'http://json-schema.org/draft-04/schema',
    idKeyword: 'id',
    formats: draft04Formats
  },
  'draft-06': {
    create: options => new Ajv(options).addMetaSchema(draft06MetaSchema),
    metaSchema: 'http://json-schema.org/draft-06/schema',
    idKeyword: '$id',
    formats: draft06Formats
  },
  'draft-07': {
    create: options => new Ajv(options),
    metaSchema: 'http://json-schema.org/draft-07/schema',
    idKeyword: '$id',
    formats: draft07Formats
  },
  '2019-09': {
    create: options => new Ajv2019(options),
    metaSchema: 'https://json-schema.org/draft/2019-09/schema',
    idKeyword: '$id',
    formats: draft2019Formats
  },
  '2020-12': {
    create: options => new Ajv2020(options),
    metaSchema: 'https://json-schema.org/draft/2020-12/schema',
    idKeyword: '$id',
    formats: draft2019Formats
  }
}

const byMetaSchema = new Map<string, Draft>(
  Object.entries(drafts).map(([draft, kind]) => [kind.metaSchema.replace(/^https?:\/\//, ''), draft as Draft])
)

/** The draft a schema's `$schema` names (http or https, with or without the empty fragment); else draft-07. */
export function draftOf(schema: unknown): Draft {
  const uri = typeof schema === 'object' && schema !== null ? (schema as { $schema?: unknown }).$schema : undefined
  if (typeof uri !== 'string') return 'draft-07'
  return byMetaSchema.get(uri.replace(/^https?:\/\//, '').replace(/#$/, '')) ?? 'draft-07'
}

// Patterns are JavaScript regular expressions with the u flag (so \p{L} works, as in Java), except those that
// are only valid without it: Java accepts escapes such as `\_` or `\:` that the u flag refuses.
const regExp = Object.assign(
  (pattern: string, flags: string): RegExp => {
    try {
      return new RegExp(pattern, flags)
    } catch (error) {
      if (!flags.includes('u')) throw error
      return new RegExp(pattern, flags.replace('u', ''))
    }
  },
  { code: 'new RegExp' }
)

// strict: false ignores unknown keywords and formats (logger: false keeps ajv from printing about them);
// schemas were checked against their meta-schema already, and are compiled without looking at `$schema`.
const options: Options = { strict: false, logger: false, validateSchema: false, code: { regExp } }

// Bytes that are not UTF-8 are refused (as Jackson does), not turned into U+FFFD.
const metaValidators = new Map<Draft, ValidateFunction>()
function metaValidator(draft: Draft): ValidateFunction {
  let validate = metaValidators.get(draft)
  if (!validate) {
    validate = drafts[draft].create({ strict: false, logger: false }).getSchema(drafts[draft].metaSchema)!
    metaValidators.set(draft, validate)
  }
  return validate
}

function parseJson(text: string, what: string): unknown {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new SchemaParseError(`${what} is not JSON: ${(error as Error).message}`, { cause: error })
  }
  if (typeof json === 'boolean') return json
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new SchemaParseError(`${what} is not a JSON Schema: a schema is an object or a boolean`)
  const draft = draftOf(json)
  const validate = metaValidator(draft)
  if (!validate(json))
    throw new SchemaParseError(`${what} is not a valid ${draft} schema: ${errorsText(validate.errors)}`)
  return json
}

/**
 * Parses a JSON Schema; `references` are the schemas it refers to (Schema Registry references), each named by the
 * URL its `$ref`s use ("address.json", or a full `$id`).
 */
export function parseJsonSchema(schema: string, references: readonly ReferencedSchema[] = []): JsonSchemaCodec {
  const root = parseJson(schema, 'Schema')
  const draft = draftOf(root)
  const kind = drafts[draft]
  const ajv = kind.create(options)
  addFormats(ajv, kind.formats)
  const rootId = typeof root === 'object' ? (root as Record<string, unknown>)[kind.idKeyword] : undefined
  const base = typeof rootId === 'string' ? rootId : ''
  const added = new Set<string>()
  let validate: ValidateFunction
  try {
    for (const reference of references) {
      const key = ajv.opts.uriResolver.resolve(base, reference.name)
      if (added.has(key)) continue
      added.add(key)
      ajv.addSchema(parseJson(reference.schema, `Referenced schema ${reference.name}`) as AnySchema, key)
    }
    validate = ajv.compile(root as AnySchema)
  } catch (error) {
    if (error instanceof SchemaParseError) throw error
    throw new SchemaParseError((error as Error).message, { cause: error })
  }
  return {
    draft,
    name: nameOf(root),
    encode(data) {
      let text: string
      let checked = data
      try {
        text = JSON.stringify(data)
      } catch (error) {
        if (!(error instanceof TypeError)) throw error
        // integers beyond 2^53 (BigInt): written exactly, checked as the numbers ajv knows
        text = stringifyExact(data)
        checked = JSON.parse(text)
      }
      if (!validate(checked)) throw new SchemaDataError(errorsText(validate.errors, '#'))
      return Buffer.from(text)
    },
    decode(payload) {
      const json = compactJson(payload)
      if (!json) throw new SchemaDataError('Not JSON text in UTF-8')
      return json.toString('utf8')
    }
  }
}

// Confluent's JsonSchema.name(): the root's title (a string, says the meta-schema); none without one.
function nameOf(root: unknown): string | undefined {
  const title = typeof root === 'object' && root !== null ? (root as { title?: unknown }).title : undefined
  return typeof title === 'string' ? title : undefined
}

// One line per error, everit's way ("#/items/0: ..."): the instance path as a JSON pointer fragment, ajv's message,
// and the detail ajv keeps in params (which property, which values). A failed anyOf/oneOf lists its branches' errors
// before its own.
const MAX_ERRORS = 5
function errorsText(errors: ErrorObject[] | null | undefined, root = 'schema'): string {
  if (!errors || errors.length === 0) return 'invalid'
  const lines = errors
    .slice(0, MAX_ERRORS)
    .map(error => `${root}${error.instancePath}: ${error.message ?? error.keyword}${detail(error)}`)
  if (errors.length > MAX_ERRORS) lines.push(`and ${errors.length - MAX_ERRORS} more`)
  return lines.join('; ')
}

function detail({ keyword, params }: ErrorObject): string {
  switch (keyword) {
    case 'additionalProperties':
      return ` (${JSON.stringify(params.additionalProperty)})`
    case 'unevaluatedProperties':
      return ` (${JSON.stringify(params.unevaluatedProperty)})`
    case 'enum':
      return ` (${(params.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(', ')})`
    case 'const':
      return ` (${JSON.stringify(params.allowedValue)})`
    default:
      return ''
  }
}

// Agreement of our JSON Schema codec with an independent validator, Python's jsonschema (from PyPI): for schemas
// of every draft (picked by $schema on both sides independently; without one, draft-07 on both, as Confluent),
// with keywords whose meaning differs between drafts, formats and a reference,
// - every datum we accept, framed as we write it (magic 0, schema id, JSON text), is read back by Python to the
//   same value and is valid for jsonschema;
// - every datum we refuse is invalid for jsonschema too.
// jsonschema is imported from the machine, else installed once as test/helpers/python.ts says (pinned,
// with its dependencies). Without it the test is skipped with the reason, except in CI, where it must run.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseJsonSchema } from '../../../src/serde/json-schema.ts'
import { SchemaDataError } from '../../../src/serde/schema-codec.ts'
import { frame } from '../../../src/serde/wire-format.ts'
import { needPython, runPython } from '../../helpers/python.ts'

const pythonJsonschema = {
  name: 'jsonschema',
  probe: 'import jsonschema, referencing',
  packages: [
    'jsonschema==4.26.0',
    'jsonschema-specifications==2025.9.1',
    'referencing==0.37.0',
    'rpds-py==2026.9.1',
    'attrs==26.1.0',
    'typing-extensions==4.16.0'
  ]
}

// Reads [{"schema", "references": [{"name", "schema"}], "id", "accepted": [hex frames], "refused": [json]}] on
// stdin; answers, per case, each accepted frame's value (or why it is not one) and each refused datum's errors.
const PYTHON = `
import json, struct, sys, urllib.parse
from jsonschema import Draft7Validator, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7
answer = []
for case in json.load(sys.stdin):
    schema = case["schema"]
    cls = validators.validator_for(schema, default=Draft7Validator)
    base = schema.get("$id", schema.get("id", "")) if isinstance(schema, dict) else ""
    registry = Registry().with_resources(
        (urllib.parse.urljoin(base, ref["name"]), Resource.from_contents(ref["schema"], default_specification=DRAFT7))
        for ref in case["references"])
    validator = cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)
    header = struct.pack(">bI", 0, case["id"])
    accepted = []
    for hexed in case["accepted"]:
        data = bytes.fromhex(hexed)
        assert data[:5] == header, "bad header %r" % data[:5]
        value = json.loads(data[5:].decode("utf-8"))
        errors = [e.message for e in validator.iter_errors(value)]
        accepted.append({"value": value, "errors": errors})
    refused = [[e.message for e in validator.iter_errors(datum)] for datum in case["refused"]]
    answer.append({"validator": cls.__name__, "accepted": accepted, "refused": refused})
json.dump(answer, sys.stdout)
`

interface Case {
  schema: object
  references?: { name: string; schema: object }[]
  validator: string // the class jsonschema picks: proof that both sides read $schema alike
  data: unknown[]
}

const address = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }

const cases: Case[] = [
  {
    schema: { $schema: 'http://json-schema.org/draft-04/schema#', type: 'number', maximum: 5, exclusiveMaximum: true },
    validator: 'Draft4Validator',
    data: [4.5, 5, 6, 'x']
  },
  {
    schema: { $schema: 'http://json-schema.org/draft-06/schema#', properties: { c: { const: 'k' }, no: false } },
    validator: 'Draft6Validator',
    data: [{ c: 'k' }, { c: 'x' }, { no: 1 }, {}]
  },
  {
    schema: {
      title: 'Order', // no $schema: draft-07
      type: 'object',
      'connect.type': 'struct',
      properties: {
        id: { type: 'integer', minimum: 1 },
        email: { type: 'string', format: 'email' },
        ip: { type: 'string', format: 'ipv4' },
        day: { type: 'string', format: 'date' },
        tags: { type: 'array', items: [{ type: 'string' }], additionalItems: false },
        kind: { oneOf: [{ type: 'integer' }, { type: 'string', maxLength: 2 }] }
      },
      required: ['id'],
      additionalProperties: false,
      if: { properties: { id: { const: 7 } } },
      then: { required: ['email'] }
    },
    validator: 'Draft7Validator',
    data: [
      { id: 1, email: 'a@example.com', ip: '10.0.0.1', day: '2024-02-29', tags: ['ü✓'], kind: 'ab' },
      { id: 0 },
      { id: 1.5 },
      { id: 1, email: 'nope' },
      { id: 1, ip: '300.1.1.1' },
      { id: 1, day: '2023-02-30' },
      { id: 1, tags: ['a', 'b'] },
      { id: 1, kind: 'abc' },
      { id: 1, extra: null },
      { id: 7 },
      { id: 7, email: 'x@example.com' }
    ]
  },
  {
    schema: {
      $schema: 'https://json-schema.org/draft/2019-09/schema',
      allOf: [{ properties: { a: {} } }],
      unevaluatedProperties: false,
      dependentRequired: { a: ['b'] },
      properties: { b: { type: 'string', format: 'uuid' } }
    },
    validator: 'Draft201909Validator',
    data: [{ a: 1, b: '0b5a0e4e-9f4c-4d2c-8a55-5d6f0c1e2a3b' }, { a: 1 }, { b: 'x' }, { c: 1 }]
  },
  {
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'array',
      prefixItems: [{ type: 'integer' }, { type: 'string' }],
      items: false
    },
    validator: 'Draft202012Validator',
    data: [[1, 'a'], [1], ['a'], [1, 'a', true], []]
  },
  {
    schema: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'https://example.com/schemas/customer.json',
      properties: { home: { $ref: 'address.json' } },
      required: ['home']
    },
    references: [{ name: 'address.json', schema: address }],
    validator: 'Draft7Validator',
    data: [{ home: { city: 'Paris' } }, { home: {} }, { home: { city: 1 } }]
  }
]

void test('what we accept and refuse, jsonschema accepts and refuses; our frames read back to the data', t => {
  const path = needPython(t, pythonJsonschema)
  if (path === undefined) return
  const jobs = cases.map((c, i) => {
    const references = (c.references ?? []).map(r => ({ name: r.name, schema: JSON.stringify(r.schema) }))
    const codec = parseJsonSchema(JSON.stringify(c.schema), references)
    const id = 100 + i
    const accepted: unknown[] = []
    const frames: string[] = []
    const refused: unknown[] = []
    for (const datum of c.data) {
      try {
        frames.push(frame(id, codec.encode(datum)).toString('hex'))
        accepted.push(datum)
      } catch (error) {
        if (!(error instanceof SchemaDataError)) throw error
        refused.push(datum)
      }
    }
    // each case has data on both sides, so neither side passes by accepting (or refusing) everything
    assert.ok(accepted.length > 0 && refused.length > 0, `case ${i}: ${accepted.length} accepted, ${refused.length} refused`) // prettier-ignore
    return { job: { schema: c.schema, references: c.references ?? [], id, accepted: frames, refused }, accepted }
  })
  const answer = runPython(
    path,
    PYTHON,
    jobs.map(j => j.job)
  ) as {
    validator: string
    accepted: { value: unknown; errors: string[] }[]
    refused: string[][]
  }[]
  answer.forEach((result, i) => {
    assert.equal(result.validator, cases[i].validator, `case ${i}`)
    assert.deepEqual(
      result.accepted.map(a => a.value),
      jobs[i].accepted,
      `case ${i}: our frames hold the data`
    )
    for (const [j, a] of result.accepted.entries())
      assert.deepEqual(a.errors, [], `case ${i}: we accept ${JSON.stringify(jobs[i].accepted[j])}, jsonschema refuses`)
    for (const [j, errors] of result.refused.entries())
      assert.notDeepEqual(errors, [], `case ${i}: we refuse ${JSON.stringify(jobs[i].job.refused[j])}, jsonschema accepts`) // prettier-ignore
  })
})

// Interoperability of our Avro serde with an independent implementation, Python's fastavro (from PyPI):
// - records we encode and frame (Confluent wire format) are read by fastavro, whose own JSON writer (Avro's JSON
//   encoding, the form Confluent's REST Proxy uses) gives back exactly the JSON we were given;
// - records fastavro encodes from that JSON form are decoded by us to the same JSON.
// fastavro is imported from the machine, else installed once into build/python (pinned). Without it the test is
// skipped with the reason, except in CI, where it must run.
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { parseAvroSchema } from '../../../src/serde/avro.ts'
import { frame, unframe } from '../../../src/serde/wire-format.ts'
import { orderSchema } from '../../fixtures/avro-order.ts'

const FASTAVRO = 'fastavro==1.13.1'
const target = join(import.meta.dirname, '../../../build/python')

/** PYTHONPATH under which `import fastavro` works, or why it cannot. */
function fastavro(): { path: string } | { reason: string } {
  const works = (path: string) =>
    spawnSync('python3', ['-c', 'import fastavro'], { env: { ...process.env, PYTHONPATH: path } }).status === 0
  if (works('')) return { path: '' }
  if (existsSync(join(target, 'fastavro')) && works(target)) return { path: target }
  const pip = spawnSync(
    'python3',
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', target, FASTAVRO],
    { encoding: 'utf8', timeout: 180_000 }
  )
  if (pip.status === 0 && works(target)) return { path: target }
  return {
    reason: `\`pip install ${FASTAVRO}\` failed: ${(pip.error?.message ?? pip.stderr ?? '').trim().slice(-300)}`
  }
}

// Reads {"schema", "id", "ours": [hex], "vectors": [json text]} on stdin; answers {"read": [json text of each of
// our records, as fastavro's JSON writer renders it], "written": [hex of each vector, encoded and framed]}.
const PYTHON = `
import io, json, struct, sys, fastavro
job = json.load(sys.stdin)
schema = fastavro.parse_schema(json.loads(job["schema"]))
header = struct.pack(">bI", 0, job["id"])
def as_json(datum):
    out = io.StringIO()
    fastavro.json_writer(out, schema, [datum])
    return out.getvalue().strip()
read = []
for hexed in job["ours"]:
    data = bytes.fromhex(hexed)
    assert data[:5] == header, "bad header %r" % data[:5]
    read.append(as_json(fastavro.schemaless_reader(io.BytesIO(data[5:]), schema)))
written = []
for text in job["vectors"]:
    datum = next(fastavro.json_reader(io.StringIO(text), schema))
    out = io.BytesIO()
    fastavro.schemaless_writer(out, schema, datum)
    written.append((header + out.getvalue()).hex())
json.dump({"read": read, "written": written}, sys.stdout)
`

// JSON with integers beyond 2^53 kept exact (BigInt), and back to text the same way: a canonical form to compare.
type Reviver = (key: string, value: unknown, context: { source?: string }) => unknown
const exactParse = (text: string): unknown =>
  JSON.parse(text, ((_key, value, context) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && /^-?\d+$/.test(context.source ?? '')
      ? BigInt(context.source!)
      : value) as Reviver as (key: string, value: unknown) => unknown)
const rawJSON = (text: string): unknown => (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(text)
const canonical = (text: string): string =>
  JSON.stringify(exactParse(text), (_key, value: unknown) =>
    typeof value === 'bigint' ? rawJSON(String(value)) : value
  )

const schema = JSON.stringify(orderSchema())

// Floats exactly representable in 32 bits: fastavro keeps a read float32 as the nearest double (0.1 → 0.10000000149…).
const vectors = [
  '{"id":9007199254740993,"qty":-3,"price":12.5,"ratio":0.5,"ok":true,"note":{"string":"fragile ünïcödé ✓"},' +
    '"raw":"\\u0000\\u00ffA","hash":"\\u00ab\\u00cd","state":"DONE","tags":["a","b"],"attrs":{"x":1,"y":-2},' +
    '"total":{"com.acme.Money":{"cents":1999}},"amount":"\\u0004\\u00d2","at":1700000000000}',
  '{"id":-9223372036854775808,"qty":2147483647,"price":-1e-300,"ratio":-1.25,"ok":false,"note":null,"raw":"",' +
    '"hash":"\\u0000\\u0000","state":"NEW","tags":[],"attrs":{},"total":{"string":"n/a"},"amount":"\\u00ff","at":0}',
  '{"id":9223372036854775807,"qty":0,"price":0,"ratio":16777216,"ok":true,"note":{"string":""},"raw":"\\"\\\\",' +
    '"hash":"\\u007f\\u0080","state":"NEW","tags":["\\u0000"],"attrs":{"k":9007199254740993},"total":null,' +
    '"amount":"\\u0000","at":-1}'
]

void test('our Avro bytes and JSON form match fastavro, both ways', t => {
  const found = fastavro()
  if ('reason' in found) {
    if (process.env.CI) assert.fail(`fastavro is needed for this test in CI: ${found.reason}`)
    return t.skip(`fastavro is not available: ${found.reason}`)
  }
  const codec = parseAvroSchema(schema)
  const id = 4242
  const ours = vectors.map(text => frame(id, codec.encode(exactParse(text))).toString('hex'))
  const output = execFileSync('python3', ['-c', PYTHON], {
    input: JSON.stringify({ schema, id, ours, vectors }),
    env: { ...process.env, PYTHONPATH: found.path },
    encoding: 'utf8'
  })
  const answer = JSON.parse(output) as { read: string[]; written: string[] }

  // fastavro read our framed bytes back to the very JSON we encoded
  assert.deepEqual(answer.read.map(canonical), vectors.map(canonical))
  // fastavro's bytes (same framing) decode with us to that JSON too, and are the bytes we wrote
  for (const [i, hexed] of answer.written.entries()) {
    const framed = unframe(Buffer.from(hexed, 'hex'))
    assert.equal(framed.schemaId, id)
    assert.equal(canonical(codec.decode(framed.payload)), canonical(vectors[i]))
    assert.equal(hexed, ours[i])
  }
})

// Interoperability of our Avro serde with an independent implementation, Python's fastavro (from PyPI):
// - records we encode and frame (Confluent wire format) are read by fastavro, whose own JSON writer (Avro's JSON
//   encoding, the form Confluent's REST Proxy uses) gives back exactly the JSON we were given;
// - records fastavro encodes from that JSON form are decoded by us to the same JSON.
// fastavro is imported from the machine, else installed as test/helpers/python.ts says. Without it the test is
// skipped with the reason, except in CI, where it must run.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseAvroSchema } from '../../../src/serde/avro.ts'
import { frame, unframe } from '../../../src/serde/wire-format.ts'
import { orderSchema, orderVectors as vectors } from '../../fixtures/avro-order.ts'
import { canonical, exactParse } from '../../helpers/exact-json.ts'
import { runFastavro } from '../../helpers/fastavro.ts'

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

const schema = JSON.stringify(orderSchema())

void test('our Avro bytes and JSON form match fastavro, both ways', t => {
  const codec = parseAvroSchema(schema)
  const id = 4242
  const ours = vectors.map(text => frame(id, codec.encode(exactParse(text))).toString('hex'))
  const answer = runFastavro(t, PYTHON, { schema, id, ours, vectors }) as { read: string[]; written: string[] }
  if (!answer) return

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

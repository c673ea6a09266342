// Records written by independent implementations decode through a v2 avro consumer: Python's fastavro encodes
// Avro data from Confluent's JSON form, the Python script frames it (magic byte 0, the schema id the registry
// gave, the payload), and kcat (librdkafka) produces the bytes to Kafka. The consumer must give back exactly the
// JSON the data started from: every Avro type, edge values, longs beyond 2^53.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { orderSchema, orderVectors } from '../../fixtures/avro-order.ts'
import { startProxy } from '../../helpers/app.ts'
import { createConsumer, post204, readRecords } from '../../helpers/consumers.ts'
import { canonical } from '../../helpers/exact-json.ts'
import { runFastavro } from '../../helpers/fastavro.ts'
import { bootstrapServers, createTopic, uniqueName } from '../../helpers/kafka.ts'
import { registryCall, schemaRegistryUrl } from '../../helpers/registry.ts'

const AVRO = 'application/vnd.kafka.avro.v2+json'

// Reads {"schema", "id", "vectors": [json text], "dir"}; writes each vector, encoded and framed, to <dir>/<i>.bin
// and answers {"files": [path]}.
const PYTHON = `
import io, json, os, struct, sys, fastavro
job = json.load(sys.stdin)
schema = fastavro.parse_schema(json.loads(job["schema"]))
files = []
for i, text in enumerate(job["vectors"]):
    datum = next(fastavro.json_reader(io.StringIO(text), schema))
    out = io.BytesIO()
    out.write(struct.pack(">bI", 0, job["id"]))
    fastavro.schemaless_writer(out, schema, datum)
    path = os.path.join(job["dir"], "%d.bin" % i)
    with open(path, "wb") as f:
        f.write(out.getvalue())
    files.append(path)
json.dump({"files": files}, sys.stdout)
`

function hasKcat(): boolean {
  try {
    execFileSync('kcat', ['-V'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

test('fastavro-encoded, kcat-produced Confluent frames decode through a v2 avro consumer to the same JSON', async t => {
  if (!hasKcat() && !process.env.CI) return t.skip('kcat is not installed (apt-get install kcat)')
  const topic = await createTopic(t)
  const schema = JSON.stringify(orderSchema())
  const registered = await registryCall(`/subjects/${topic}-value/versions`, { body: { schema } })
  assert.equal(registered.status, 200, JSON.stringify(registered.body))
  const id = (registered.body as { id: number }).id

  const dir = await mkdtemp(join(tmpdir(), 'avro-interop-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const answer = runFastavro(t, PYTHON, { schema, id, vectors: orderVectors, dir }) as { files: string[] } | undefined
  if (!answer) return
  // each file is one message; idempotence keeps them in order on the one partition
  execFileSync('kcat', ['-b', bootstrapServers(), '-P', '-t', topic, '-p', '0', '-X', 'enable.idempotence=true', ...answer.files], { stdio: ['ignore', 'ignore', 'pipe'] }) // prettier-ignore

  const app = await startProxy(t, { 'schema.registry.url': schemaRegistryUrl() })
  const path = await createConsumer(app, uniqueName('g-interop'), { format: 'avro', 'auto.commit.enable': 'false' })
  await post204(app, `${path}/assignments`, { partitions: [{ topic, partition: 0 }] })
  await post204(app, `${path}/positions/beginning`, { partitions: [{ topic, partition: 0 }] })
  const texts: string[] = []
  const deadline = Date.now() + 15000
  while (texts.length < orderVectors.length) {
    assert.ok(Date.now() < deadline, `read ${texts.length} of ${orderVectors.length} records`)
    const res = await readRecords(app, path, { timeout: 1000 }, AVRO)
    assert.equal(res.statusCode, 200, res.body)
    // each record's value, cut from the answer's text so that no number passes through a JS double
    for (const match of res.body.matchAll(/"value":(.*?),"partition":0,"offset":(\d+)\}/g)) {
      assert.equal(Number(match[2]), texts.length)
      texts.push(match[1])
    }
  }
  assert.deepEqual(texts.map(canonical), orderVectors.map(canonical))
})

// Interoperability of our Protobuf serde with an independent implementation: Google's protobuf for Python, with
// protoc (from grpcio-tools) compiling the very .proto texts we parse, the reference imported by its name:
// - records we encode and frame (Confluent wire format) are parsed by Python, whose json_format prints them as we
//   do (MessageToJson with always_print_fields_with_no_presence: for proto3 the same fields as Java's
//   includingDefaultValueFields, which Confluent's REST Proxy uses);
// - records Python parses from the same JSON and frames, also of nested messages (message indexes [0, 0], [1],
//   [1, 0]), decode with us to the JSON Python prints for them.
// The packages are imported from the machine, else installed once as test/helpers/python.ts says. Without them the
// test is skipped with the reason, except in CI, where it must run.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseProtobufSchema } from '../../../src/serde/protobuf.ts'
import { frame, unframe } from '../../../src/serde/wire-format.ts'
import { fullOrder, moneyProto, orderProto } from '../../fixtures/protobuf-order.ts'
import { needPython, runPython } from '../../helpers/python.ts'

// protoc in-process, and a json_format that prints fields without presence (protobuf 5.26 and later)
const PROBE = `
import inspect
from grpc_tools import protoc
from google.protobuf import json_format
assert "always_print_fields_with_no_presence" in inspect.signature(json_format.MessageToJson).parameters
`

const pythonProtobuf = {
  name: 'protobuf',
  probe: PROBE,
  packages: ['grpcio-tools==1.85.1', 'grpcio==1.85.1', 'protobuf==7.36.2', 'setuptools==80.9.0', 'typing-extensions==4.16.0'] // prettier-ignore
}

// Reads {"files": {name: text}, "main", "id", "ours": [hex], "vectors": [{"message", "indexes", "json"}]} on
// stdin; answers {"read": [json of each of our records], "written": [{"hex", "json"}: each vector parsed by
// Python, serialized and framed, and its JSON as Python prints it]}.
const PYTHON = `
import json, os, sys, tempfile
import grpc_tools
from grpc_tools import protoc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

job = json.load(sys.stdin)
work = tempfile.mkdtemp()
for name, text in job["files"].items():
    path = os.path.join(work, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as out:
        out.write(text)
descriptors = os.path.join(work, "set.pb")
include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
args = ["protoc", "-I" + work, "-I" + include, "--include_imports", "--descriptor_set_out=" + descriptors, job["main"]]
assert protoc.main(args) == 0, "protoc failed"
with open(descriptors, "rb") as data:
    files = descriptor_pb2.FileDescriptorSet.FromString(data.read()).file
pool = descriptor_pool.DescriptorPool()
for file in files:
    pool.Add(file)
main = next(f for f in files if f.name == job["main"])

def message_at(indexes):  # Confluent's message indexes: a path among the messages of the file
    types, names = main.message_type, [main.package] if main.package else []
    for index in indexes:
        names.append(types[index].name)
        # as Java's ProtobufSchema counts them: a map field's synthetic entry type is no message of the file
        types = [nested for nested in types[index].nested_type if not nested.options.map_entry]
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(".".join(names)))

def varint(data, pos):
    value, shift = 0, 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return (value >> 1) ^ -(value & 1), pos  # zig-zag

def zigzag(value):
    value = (value << 1) ^ (value >> 31)
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)

def unframe(data):
    assert data[0] == 0 and int.from_bytes(data[1:5], "big") == job["id"], "bad header %r" % data[:5]
    count, pos = varint(data, 5)
    indexes = []
    for _ in range(count):
        index, pos = varint(data, pos)
        indexes.append(index)
    return indexes or [0], data[pos:]

def frame(indexes, payload):
    header = b"\\0" + job["id"].to_bytes(4, "big")
    return header + (b"\\0" if indexes == [0] else zigzag(len(indexes)) + b"".join(map(zigzag, indexes))) + payload

def printed(message):
    return json_format.MessageToJson(message, always_print_fields_with_no_presence=True, indent=None, descriptor_pool=pool)

read = []
for hexed in job["ours"]:
    indexes, payload = unframe(bytes.fromhex(hexed))
    read.append(printed(message_at(indexes).FromString(payload)))
written = []
for vector in job["vectors"]:
    message = json_format.Parse(vector["json"], message_at(vector["indexes"])(), descriptor_pool=pool)
    written.append({"hex": frame(vector["indexes"], message.SerializeToString()).hex(), "json": printed(message)})
json.dump({"read": read, "written": written}, sys.stdout)
`

// JSON with integers beyond 2^53 kept exact (BigInt), so both sides compare by value, key order aside.
type Reviver = (key: string, value: unknown, context: { source?: string }) => unknown
const exact = (text: string): unknown =>
  JSON.parse(text, ((_key, value, context) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && /^-?\d+$/.test(context.source ?? '')
      ? BigInt(context.source!)
      : value) as Reviver as (key: string, value: unknown) => unknown)

// The first message (indexes [0]) in JSON forms of every kind; each is produced by us and by Python.
const orders = [
  fullOrder,
  {
    id: '-1',
    state: 'SHIPPED',
    card: 'visa',
    lines: [{}],
    byNumber: { '-5': '' },
    ratio: 'NaN',
    price: '-Infinity',
    at: '0001-01-01T00:00:00Z',
    ttl: '315576000000s',
    extra: null,
    maybeNote: '',
    detail: { '@type': 'type.googleapis.com/google.protobuf.Timestamp', value: '2020-01-01T00:00:00.000001Z' }
  },
  {
    ratio: 3.4028234663852886e38,
    price: 5e-324,
    priority: 5,
    meta: {},
    nothing: {},
    mask: 'a,bC.dE',
    extra: { list: [], nested: { n: 1.25 } },
    flags: { false: true },
    byBig: { '0': -0.5 },
    attrs: { '': '9223372036854775807' }
  },
  {}
]
// Other messages of the file, picked by their message indexes: written by Python only.
const others = [
  { indexes: [0, 0], json: { sku: 'nested', qty: 3 } }, // com.acme.Order.Line
  { indexes: [1], json: { by: 'audit' } }, // com.acme.Audit
  { indexes: [1, 0], json: { what: 'entry' } } // com.acme.Audit.Entry
]

void test('our Protobuf bytes and JSON form match Python protobuf, both ways', t => {
  const path = needPython(t, pythonProtobuf)
  if (path === undefined) return
  const codec = parseProtobufSchema(orderProto, [{ name: 'money.proto', schema: moneyProto }])
  const id = 4242
  const ours = orders.map(json => frame(id, codec.encode(json), codec.messageIndexes))
  const vectors = [
    ...orders.map(json => ({ indexes: [0], json: JSON.stringify(json) })),
    ...others.map(({ indexes, json }) => ({ indexes, json: JSON.stringify(json) }))
  ]
  const answer = runPython(path, PYTHON, {
    files: { 'order.proto': orderProto, 'money.proto': moneyProto },
    main: 'order.proto',
    id,
    ours: ours.map(bytes => bytes.toString('hex')),
    vectors
  }) as { read: string[]; written: { hex: string; json: string }[] }

  // Python reads our framed bytes to the JSON we print for them
  assert.equal(answer.read.length, orders.length)
  answer.read.forEach((text, i) =>
    assert.deepEqual(exact(text), exact(codec.decode(ours[i].subarray(6))), `order ${i}`)
  )
  // Python's bytes of the same JSON (and of nested messages) decode with us to the JSON Python prints
  answer.written.forEach(({ hex, json }, i) => {
    const framed = unframe(Buffer.from(hex, 'hex'), true)
    assert.equal(framed.schemaId, id)
    assert.deepEqual(framed.messageIndexes, vectors[i].indexes)
    assert.deepEqual(exact(codec.decode(framed.payload, framed.messageIndexes)), exact(json), `vector ${i}`)
  })
  // and both sides print the same JSON for the same input
  orders.forEach((_, i) => assert.deepEqual(exact(answer.read[i]), exact(answer.written[i].json), `order ${i}`))
  // the full order as Python prints it is the very JSON we were given
  assert.deepEqual(exact(answer.written[0].json), exact(JSON.stringify(fullOrder)))
})

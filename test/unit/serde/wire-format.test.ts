import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  decodeMessageIndexes,
  encodeMessageIndexes,
  frame,
  unframe,
  WireFormatError
} from '../../../src/serde/wire-format.ts'

const hex = (bytes: Buffer) => bytes.toString('hex')

test('magic byte 0, schema id as int32 big-endian, then the payload', () => {
  const bytes = frame(0x01020304, Buffer.from([0xaa, 0xbb]))
  assert.equal(hex(bytes), '0001020304aabb')
  assert.deepEqual(unframe(bytes), { schemaId: 0x01020304, payload: Buffer.from([0xaa, 0xbb]) })
  assert.equal(hex(frame(7, Buffer.alloc(0))), '0000000007')
  assert.deepEqual(unframe(frame(2147483647, Buffer.from('x'))).schemaId, 2147483647)
})

test('protobuf message indexes: [0] is the single byte 0, others are a zig-zag length then zig-zag indexes', () => {
  assert.equal(hex(encodeMessageIndexes([0])), '00')
  assert.equal(hex(encodeMessageIndexes([1])), '0202')
  assert.equal(hex(encodeMessageIndexes([0, 2])), '040004')
  assert.equal(hex(encodeMessageIndexes([64])), '028001') // 64 zig-zags to 128: two varint bytes
  assert.equal(hex(encodeMessageIndexes([2147483647])), '02feffffff0f')

  for (const indexes of [[0], [1], [0, 2], [3, 0, 1], [64], [300, 70000], [2147483647]]) {
    const bytes = frame(9, Buffer.from([0x08, 0x01]), indexes)
    assert.deepEqual(unframe(bytes, true), { schemaId: 9, messageIndexes: indexes, payload: Buffer.from([0x08, 0x01]) })
  }
  assert.equal(hex(frame(1, Buffer.from([0x08]), [0])), '000000000100' + '08')
  // an explicit count of one holding index 0 (other writers may do that) reads the same
  assert.deepEqual(decodeMessageIndexes(Buffer.from([0x02, 0x00]), 0), { indexes: [0], next: 2 })
})

test('bytes that are not a frame are refused with a reason', () => {
  const refused = (bytes: Buffer, protobuf: boolean, message: RegExp | string) =>
    assert.throws(
      () => unframe(bytes, protobuf),
      (error: Error) =>
        error instanceof WireFormatError &&
        (typeof message === 'string' ? error.message === message : message.test(error.message))
    )
  refused(Buffer.from([0, 0, 0, 1]), false, 'Record of 4 bytes is too short for the Confluent wire format')
  refused(Buffer.from('{"a":1}'), false, 'Unknown magic byte!')
  refused(Buffer.from([0, 0, 0, 0, 1]), true, 'Truncated message indexes in a Protobuf record')
  refused(Buffer.from([0, 0, 0, 0, 1, 0x7e]), true, /^Invalid message index count 63 /)
  refused(Buffer.from([0, 0, 0, 0, 1, 0x01]), true, /^Invalid message index count -1 /)
  refused(Buffer.from([0, 0, 0, 0, 1, 0x02, 0x01]), true, /^Invalid message index -1 /)
  refused(Buffer.from([0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), true, /^Invalid varint/)
})

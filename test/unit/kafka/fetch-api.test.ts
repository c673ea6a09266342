import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Reader, ResponseError, Writer } from '@platformatic/kafka'
import { parser } from '../../../src/kafka/fetch-api.ts'
import { batchBytes } from '../../helpers/records.ts'

const topicId = '0a1b2c3d-4e5f-4061-8283-a4b5c6d7e8f9'

// A Fetch answer as a broker writes it (flexible versions): one topic, the given partitions.
function answer(version: number, partitions: { index: number; error: number; records: Buffer | null }[]): Reader {
  const w = Writer.create().appendInt32(0).appendInt16(0).appendInt32(77)
  w.appendArray([0], t => {
    if (version >= 13) t.appendUUID(topicId)
    else t.appendString('orders')
    t.appendArray(
      partitions,
      (p, { index, error, records }) => {
        p.appendInt32(index).appendInt16(error).appendInt64(10n).appendInt64(10n).appendInt64(0n)
        p.appendArray([{ producerId: 5n, firstOffset: 3n }], (a, { producerId, firstOffset }) => {
          a.appendInt64(producerId).appendInt64(firstOffset)
        })
        p.appendInt32(-1).appendBytes(records)
        // a tagged field: current_leader (tag 1)
        const leader = Writer.create().appendInt32(2).appendInt32(9)
        p.appendUnsignedVarInt(1).appendUnsignedVarInt(1).appendUnsignedVarInt(leader.length).appendFrom(leader)
      },
      true,
      false
    )
  })
  w.appendTaggedFields()
  return Reader.from(w)
}

const records = batchBytes([{ key: Buffer.from('k'), value: Buffer.from('v') }, { value: Buffer.from('w') }], 8)

for (const version of [12, 13, 17]) {
  test(`Fetch v${version} answers parse with records left as batches`, () => {
    const parsed = parser(version)(1, 1, version, answer(version, [{ index: 3, error: 0, records }]))
    assert.equal(parsed.sessionId, 77)
    const [topic] = parsed.responses
    assert.equal(topic.topicId, version >= 13 ? topicId : 'orders')
    const [partition] = topic.partitions as unknown as Record<string, unknown>[]
    assert.equal(partition.partitionIndex, 3)
    assert.deepEqual(partition.abortedTransactions, [{ producerId: 5n, firstOffset: 3n }])
    assert.deepEqual(partition.currentLeader, { leaderId: 2, leaderEpoch: 9 })
    const batches = partition.records as { firstOffset: bigint; count: number; data: Buffer }[]
    assert.equal(batches.length, 1)
    assert.equal(batches[0].firstOffset, 8n)
    assert.equal(batches[0].count, 2)
  })
}

test('null and empty records, and partition errors (a ResponseError carrying the answer)', () => {
  const reader = answer(17, [
    { index: 0, error: 0, records: null },
    { index: 1, error: 0, records: Buffer.alloc(0) },
    { index: 2, error: 1, records: null }
  ])
  assert.throws(
    () => parser(17)(1, 1, 17, reader),
    (error: ResponseError) => {
      const response = error.response as { responses: { partitions: { records: unknown }[] }[] }
      assert.deepEqual(
        response.responses[0].partitions.map(p => p.records),
        [null, [], null]
      )
      return error instanceof ResponseError
    }
  )
})

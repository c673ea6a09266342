import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseRecordRequest } from '../../../../src/http/v3/record-request.ts'
import { parsePlainRecord } from '../../../../src/http/v3/record-text.ts'

// The general path's result for `text`, or 'error' when it refuses it.
function general(text: string): unknown {
  try {
    return parseRecordRequest(JSON.parse(text))
  } catch {
    return 'error'
  }
}

test('the fast path reads the plain shapes exactly as the general path does', () => {
  const accepted = [
    '{"value":{"type":"BINARY","data":"AAECAw=="}}',
    '{"value":{"type":"BINARY","data":"AAECAw"}}',
    '{"key":{"type":"STRING","data":"k-1"},"value":{"type":"BINARY","data":"/+8="}}',
    ' { "value" : { "data" : "aGk=" , "type" : "BINARY" } , "partition_id" : 3 }\r\n',
    '{"partition_id":0,"timestamp":"2021-02-05T19:14:42.123Z","value":{"type":"STRING","data":"é €😀"}}',
    '{"value":{"type":"STRING","data":""},"key":null,"partition_id":null,"timestamp":null}',
    '{"value":{"type":"BINARY","data":null}}',
    '{"value":{"type":"BINARY"}}',
    '{"key":{"type":"STRING"}}',
    '{}',
    '{"value":null}',
    '{"partition_id":123456789}'
  ]
  for (const text of accepted) {
    const fast = parsePlainRecord(text)
    assert.notEqual(fast, undefined, text)
    assert.deepEqual(fast, general(text), text)
  }
})

test('everything else is left to the general path', () => {
  const refused = [
    '{"value":{"type":"STRING","data":"a\\"b"}}', // escapes
    '{"value":{"type":"JSON","data":{"a":1}}}',
    '{"value":{"type":"JSON","data":"x"}}',
    '{"value":{"type":"AVRO","data":"x","schema_id":1}}',
    '{"value":{"type":"BINARY","data":"x","subject":null}}',
    '{"value":{"type":"BINARY","data":"not base64!"}}',
    '{"value":{"type":"BINARY","data":"AA-_"}}',
    '{"value":{"type":"binary","data":"AA=="}}',
    '{"value":{"data":"AA=="}}',
    '{"value":{"type":"BINARY","data":1}}',
    '{"value":{"type":"STRING","data":"a\tb"}}', // a raw control character: invalid JSON
    '{"timestamp":"a\nb"}',
    '{"value":{"type":"BINARY","data":"AA=="},"value":null}', // duplicates: JSON.parse keeps the last
    '{"value":{"type":"BINARY","type":"STRING"}}',
    '{"partition_id":-1}',
    '{"partition_id":1.0}',
    '{"partition_id":1e2}',
    '{"partition_id":01}',
    '{"partition_id":1234567890}',
    '{"partition_id":"1"}',
    '{"timestamp":"yesterday"}',
    '{"timestamp":5}',
    '{"headers":[]}',
    '{"headers":null}',
    '{"records":[]}',
    '{"value":{"type":"BINARY","data":"AA=="}',
    '{"value":{"type":"BINARY","data":"AA=="}}}',
    '{"value":{"type":"BINARY","data":"AA=="},}',
    '{"value":nul}',
    '{"value":nullx}',
    '[{"value":null}]',
    '{"value" {"type":"BINARY"}}',
    '{"value""key":null}',
    '{"value":{"type""data":null}}',
    ''
  ]
  for (const text of refused) assert.equal(parsePlainRecord(text), undefined, text)
})

test('on random variants of the plain shapes, whatever the fast path accepts the general path reads the same', () => {
  let seed = 42
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed % n
  }
  const pick = <T>(items: T[]) => items[random(items.length)]
  const spaces = ['', ' ', '\n', '\t ', '\r\n']
  const sp = () => pick(spaces)
  const sides = [
    '{"type":"BINARY","data":"AAECAw=="}',
    '{"data":"AAE","type":"BINARY"}',
    '{"type":"STRING","data":"x y"}',
    '{"type":"STRING","data":null}',
    '{"type":"BINARY"}',
    'null'
  ]
  const members = () => {
    const all = [
      `"value"${sp()}:${sp()}${pick(sides)}`,
      `"key":${pick(sides)}`,
      `"partition_id":${pick(['0', '5', 'null', '42'])}`,
      `"timestamp":${pick(['"2021-02-05T19:14:42Z"', 'null', '"2021-02-05"'])}`
    ]
    return all.filter(() => random(3) > 0).sort(() => random(3) - 1)
  }
  const alphabet = '{}[]":,\\ abnul0129eE.-=+/ATYPINRSG\t\n'
  let accepted = 0
  for (let n = 0; n < 20000; n++) {
    let text = `${sp()}{${sp()}${members().join(`${sp()},${sp()}`)}${sp()}}${sp()}`
    // Mutate some: a changed, dropped or doubled character.
    const mutations = random(4) === 0 ? 0 : random(3)
    for (let m = 0; m < mutations && text.length > 0; m++) {
      const i = random(text.length)
      const kind = random(3)
      if (kind === 0) text = text.slice(0, i) + alphabet[random(alphabet.length)] + text.slice(i + 1)
      else if (kind === 1) text = text.slice(0, i) + text.slice(i + 1)
      else text = text.slice(0, i) + text[i] + text.slice(i)
    }
    const fast = parsePlainRecord(text)
    if (fast === undefined) continue
    accepted++
    assert.deepEqual(fast, general(text), text)
  }
  assert.ok(accepted > 5000, `only ${accepted} variants took the fast path`)
})

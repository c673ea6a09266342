// Splits a byte stream of concatenated JSON values ({...}{...} or {...}\n{...}) into the text of each
// top-level value without parsing it: one pass over the bytes tracking nesting depth, strings and escapes,
// resumable across chunk boundaries. JSON.parse then runs once per value.
// Multi-byte UTF-8 sequences never contain the ASCII bytes it looks for, so scanning bytes is safe.

const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const QUOTE = 0x22
const BACKSLASH = 0x5c

export class JsonSplitError extends Error {}

export interface SplitResult {
  values: string[]
  // Set when the input went wrong after `values`: the values before the fault are still good.
  error?: JsonSplitError
}

export class JsonSplitter {
  readonly #maxValueBytes: number
  // Earlier pieces of a value that spans chunks; only they are copied, never the rest of a chunk.
  #carry: Buffer[] = []
  #carryBytes = 0
  #inValue = false
  #depth = 0
  #inString = false
  #escaped = false

  // maxValueBytes: 0 = unlimited; a larger value is reported as an error.
  constructor(maxValueBytes = 0) {
    this.#maxValueBytes = maxValueBytes
  }

  // The complete values in `chunk` (as text), and the error that stopped the scan, if any. After an error the
  // splitter is done: further input is not meaningful.
  push(chunk: Buffer): SplitResult {
    const out: string[] = []
    try {
      this.#scan(chunk, out)
    } catch (error) {
      if (!(error instanceof JsonSplitError)) throw error
      return { values: out, error }
    }
    return { values: out }
  }

  #scan(chunk: Buffer, out: string[]): void {
    const end = chunk.length
    let start = 0 // start of the current value within this chunk
    let backslash = -1 // next backslash at or after i (end when none): searched once, reused across strings
    let i = 0
    while (i < end) {
      if (this.#inString) {
        // Inside a string only a quote or a backslash matters: jump to the nearer one with native searches
        // (base64 and most text have no backslash, so that search runs once per chunk).
        if (this.#escaped) {
          this.#escaped = false
          i++
        } else {
          if (backslash < i) {
            backslash = chunk.indexOf(BACKSLASH, i)
            if (backslash === -1) backslash = end
          }
          let quote = chunk.indexOf(QUOTE, i)
          if (quote === -1) quote = end
          if (backslash < quote) {
            this.#escaped = true
            i = backslash + 1
          } else if (quote < end) {
            this.#inString = false
            i = quote + 1
          } else {
            i = end
          }
        }
        this.#checkSize(i - start)
        continue
      }
      const byte = chunk[i]
      if (!this.#inValue) {
        // Between values: skip whitespace; anything but an object or array opens a malformed value.
        if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) {
          i++
          continue
        }
        if (byte !== OPEN_OBJECT && byte !== OPEN_ARRAY) {
          throw new JsonSplitError(`Unexpected character '${String.fromCharCode(byte)}' between JSON objects`)
        }
        this.#inValue = true
        start = i
      }
      if (byte === QUOTE) {
        this.#inString = true
      } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
        this.#depth++
      } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        if (--this.#depth === 0) {
          if (this.#carry.length === 0) {
            out.push(chunk.toString('utf8', start, i + 1))
          } else {
            this.#carry.push(chunk.subarray(start, i + 1))
            out.push(Buffer.concat(this.#carry).toString('utf8'))
            this.#carry = []
            this.#carryBytes = 0
          }
          this.#inValue = false
        }
      }
      i++
      if (this.#inValue) this.#checkSize(i - start)
    }
    if (this.#inValue) {
      this.#carry.push(chunk.subarray(start))
      this.#carryBytes += end - start
    }
  }

  #checkSize(inChunk: number): void {
    if (this.#maxValueBytes > 0 && this.#carryBytes + inChunk > this.#maxValueBytes) {
      throw new JsonSplitError('Produce request size is larger than allowed threshold')
    }
  }

  // True when the stream ended inside a value.
  get incomplete(): boolean {
    return this.#inValue
  }
}

// `node scripts/probe-thread-wakeup.ts [work µs] [busy processes]`: what one postMessage to a worker thread
// costs the posting thread, the hop the produce path makes for every send (src/kafka/producer-thread.ts).
// The main thread posts a message every ~1 ms (a transferred 8 KB buffer, like a send's packed records) to a
// worker that spends `work` µs on each and answers; it prints the mean wall time inside postMessage and the mean
// round trip. With `busy` > 0 it first starts that many processes spinning on a core, as the broker and the
// load generator keep the 2 cores of the benchmark machines busy.
// Findings (2 vCPUs, Node 24, 2026-12-04, work 200 µs): idle, postMessage takes 15-19 µs; with both cores
// busy, 300-420 µs: waking the worker lets it run its 200 µs on the poster's core while the poster waits. In the
// proxy at 8-10k single-record requests/s, postMessage took 190-480 µs of wall time per send, on the HTTP
// thread. Lowering the worker's priority (os.setPriority in the worker) removes the wait but starves the
// worker behind other busy processes (round trips of 8 ms at nice 5, 0.7 s at nice 10).
import { fork } from 'node:child_process'
import { Worker } from 'node:worker_threads'

const work = Number(process.argv[2] ?? 200)
const busy = Number(process.argv[3] ?? 0)
const messages = 2000

if (process.argv[2] === 'spin') {
  for (;;);
}

const spinners = Array.from({ length: busy }, () => fork(import.meta.filename, ['spin']))
const worker = new Worker(
  `const { parentPort } = require('node:worker_threads')
  parentPort.on('message', ({ id }) => {
    const start = performance.now()
    while (performance.now() - start < ${work} / 1000);
    parentPort.postMessage(id)
  })`,
  { eval: true }
)

const sentAt = new Map<number, number>()
let posting = 0
let roundTrips = 0
let answered = 0
worker.on('message', (id: number) => {
  roundTrips += performance.now() - sentAt.get(id)!
  sentAt.delete(id)
  answered++
})

function post(id: number): void {
  const buffer = new ArrayBuffer(8192)
  const start = performance.now()
  sentAt.set(id, start)
  worker.postMessage({ id, buffer }, [buffer])
  posting += performance.now() - start
  const until = performance.now() + 1
  while (performance.now() < until); // the HTTP thread has work of its own
  if (id + 1 < messages) setImmediate(post, id + 1)
  else setTimeout(report, 500)
}

function report(): void {
  const µs = (ms: number) => (ms * 1000).toFixed(0)
  console.log(
    `work ${work} µs, ${busy} busy processes: postMessage ${µs(posting / messages)} µs, ` +
      `round trip ${µs(roundTrips / Math.max(1, answered))} µs (${answered} of ${messages} answered)`
  )
  for (const spinner of spinners) spinner.kill()
  void worker.terminate()
}

setTimeout(post, 200, 0)

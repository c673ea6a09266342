// The Schema Registry of a benchmark run that needs one (schema'd rows): the one SCHEMA_REGISTRY_URL names, else
// Apicurio Registry started here (tools/registry, Java 21+), stopped by the run's cleanup. Registering the
// benchmark's schema gives the id its requests use.
import { startRegistry } from '../../tools/registry/runtime.ts'
import { onCleanup } from './processes.ts'

export interface BenchRegistry {
  /** Confluent-compatible base URL. */
  url: string
  /** e.g. "Apicurio 3.3.3 (own)" or "external". */
  description: string
  /** Registers an Avro schema under `subject`; its id. */
  registerAvro(subject: string, schema: object): Promise<number>
}

export async function startBenchRegistry(log: (message: string) => void): Promise<BenchRegistry> {
  let url = process.env.SCHEMA_REGISTRY_URL
  let description = `external (${url})`
  if (!url) {
    log('starting a Schema Registry (Apicurio)...')
    const abort = new AbortController()
    const starting = startRegistry({ signal: abort.signal })
    onCleanup('Schema Registry', async () => {
      abort.abort()
      await (await starting.catch(() => undefined))?.stop()
    })
    url = (await starting).url
    description = 'Apicurio (own)'
  }
  const base = url
  return {
    url: base,
    description,
    async registerAvro(subject, schema) {
      const response = await fetch(`${base}/subjects/${encodeURIComponent(subject)}/versions`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify({ schema: JSON.stringify(schema) }),
        signal: AbortSignal.timeout(15_000)
      })
      const text = await response.text()
      if (response.status !== 200) throw new Error(`registering ${subject}: HTTP ${response.status} ${text}`)
      return (JSON.parse(text) as { id: number }).id
    }
  }
}

// v2 consumer instances (request bodies: the v2 type or any embedded type; answers application/vnd.kafka.v2+json
// unless the client asks for an embedded type):
//   POST   /consumers/{g}                                      200 {"instance_id","base_uri"}  409/40902 name taken,
//                                                             422 bad format, 422/42204 bad config, 422/40001 range
//   DELETE /consumers/{g}/instances/{i}                        204
//   POST   .../subscription  {"topics"} | {"topic_pattern"}    204   409/40903 when manually assigned
//   GET    .../subscription                                    200 {"topics":[...]}
//   DELETE .../subscription                                    204
//   POST   .../assignments   {"partitions":[{topic,partition}]} 204  409/40903 when subscribed
//   GET    .../assignments                                     200 {"partitions":[...]}
//   POST   .../positions     {"offsets":[...],"timestamps":[...]} 204  409/40903 partition not assigned
//   POST   .../positions/beginning | /positions/end {"partitions"} 204
//   GET    .../records?timeout=&max_bytes=                     200 [records] in the Accept-chosen format;
//                                                             406/40601 other format than the instance's
//   POST   .../offsets       [{"offsets":[...]}]               200 []   (offsets are the last consumed ones)
//   GET    .../offsets       {"partitions":[...]} (GET body)   200 {"offsets":[...]}  404/40402 without a body
// Every endpoint answers 404/40403 for an unknown group or instance.
import { type FastifyInstance, type FastifyRequest } from 'fastify'
import { errors } from '../../errors/codes.ts'
import { RestError } from '../../errors/rest-error.ts'
import { type ConsumerFormat } from '../../serde/consumed.ts'
import { mediaTypes, type Offer } from '../media.ts'
import { parseCommit, parseCreate, parsePartitions, parseSeek, parseSubscription } from './consumer-bodies.ts'

type GroupParams = { Params: { group: string } }
type InstanceParams = { Params: { group: string; instance: string } }
type RecordsQuery = { Querystring: { timeout?: string; max_bytes?: string } }

const embedded = [
  mediaTypes.binaryV2,
  mediaTypes.jsonV2,
  mediaTypes.avroV2,
  mediaTypes.jsonschemaV2,
  mediaTypes.protobufV2
] as const
const consumes = [mediaTypes.v2, ...embedded]
// Upstream's weights: the v2 type first for management calls; binary first (and v2 meaning binary) for reads.
const manage = { consumes, produces: [{ type: mediaTypes.v2, qs: 0.9 }, ...embedded.map(type => ({ type, qs: 0.1 }))] }
const recordOffers: Offer[] = [
  { type: mediaTypes.binaryV2 },
  { type: mediaTypes.v2, qs: 0.9 },
  ...embedded.slice(1).map(type => ({ type, qs: 0.1 }))
]
const maxGetBody = 1048576
const formatOfType: Record<string, ConsumerFormat> = {
  [mediaTypes.binaryV2]: 'binary',
  [mediaTypes.v2]: 'binary',
  [mediaTypes.jsonV2]: 'json',
  [mediaTypes.avroV2]: 'avro',
  [mediaTypes.jsonschemaV2]: 'jsonschema',
  [mediaTypes.protobufV2]: 'protobuf'
}

async function readJson(stream: AsyncIterable<Buffer>): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    size += chunk.length
    if (size > maxGetBody) throw new RestError(errors.payloadTooLarge)
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new RestError(errors.badRequest, `Bad Request: ${(error as Error).message}`)
  }
}

function queryInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined
  if (!/^-?\d+$/.test(value)) throw new RestError(errors.badRequest, `Bad Request: ${name} must be an integer`)
  return Number(value)
}

export function consumerRoutes(app: FastifyInstance): void {
  const { consumers } = app.services
  const instancePath = '/consumers/:group/instances/:instance'

  app.post<GroupParams>('/consumers/:group', { config: manage }, (request: FastifyRequest<GroupParams>, reply) => {
    const { group } = request.params
    const { instanceId } = consumers.create(group, parseCreate(request.body))
    const { protocol, host } = request
    const base = app.baseUrl({ protocol, host })
    return reply.send({
      instance_id: instanceId,
      base_uri: `${base}/consumers/${encodeURIComponent(group)}/instances/${encodeURIComponent(instanceId)}`
    })
  })

  app.delete<InstanceParams>(instancePath, { config: manage }, async (request, reply) => {
    await consumers.remove(request.params.group, request.params.instance)
    return reply.code(204).send()
  })

  app.post<InstanceParams>(`${instancePath}/subscription`, { config: manage }, async (request, reply) => {
    const { group, instance } = request.params
    consumers.subscribe(group, instance, parseSubscription(request.body))
    return reply.code(204).send()
  })

  app.get<InstanceParams>(`${instancePath}/subscription`, { config: manage }, (request, reply) =>
    reply.send({ topics: consumers.subscription(request.params.group, request.params.instance) })
  )

  app.delete<InstanceParams>(`${instancePath}/subscription`, { config: manage }, async (request, reply) => {
    await consumers.unsubscribe(request.params.group, request.params.instance)
    return reply.code(204).send()
  })

  app.post<InstanceParams>(`${instancePath}/assignments`, { config: manage }, async (request, reply) => {
    const { group, instance } = request.params
    consumers.assign(group, instance, parsePartitions(request.body))
    return reply.code(204).send()
  })

  app.get<InstanceParams>(`${instancePath}/assignments`, { config: manage }, (request, reply) =>
    reply.send({ partitions: consumers.assignment(request.params.group, request.params.instance) })
  )

  app.post<InstanceParams>(`${instancePath}/positions`, { config: manage }, async (request, reply) => {
    const { group, instance } = request.params
    const { offsets, timestamps } = parseSeek(request.body)
    await consumers.seek(group, instance, offsets, timestamps)
    return reply.code(204).send()
  })

  for (const edge of ['beginning', 'end'] as const) {
    app.post<InstanceParams>(`${instancePath}/positions/${edge}`, { config: manage }, async (request, reply) => {
      const { group, instance } = request.params
      await consumers.seekToEdge(group, instance, parsePartitions(request.body), edge)
      return reply.code(204).send()
    })
  }

  app.get<InstanceParams & RecordsQuery>(
    `${instancePath}/records`,
    { config: { consumes, produces: recordOffers } },
    async (request, reply) => {
      const { group, instance } = request.params
      const format = formatOfType[request.negotiatedType] ?? 'binary'
      const body = await consumers.read(group, instance, format, {
        timeoutMs: queryInt(request.query.timeout, 'timeout'),
        maxBytes: queryInt(request.query.max_bytes, 'max_bytes')
      })
      // Already the JSON body, as bytes: sent as they are. Once they are all handed to the socket ('finish'),
      // the buffer is reused; a response cut short leaves it to the garbage collector.
      reply.raw.once('finish', body.release)
      return reply.send(body.bytes)
    }
  )

  app.post<InstanceParams>(`${instancePath}/offsets`, { config: manage }, async request => {
    const { group, instance } = request.params
    await consumers.commit(group, instance, parseCommit(request.body))
    return []
  })

  app.get<InstanceParams>(`${instancePath}/offsets`, { config: manage }, async request => {
    const { group, instance } = request.params
    // fastify never parses a GET body; upstream takes one here.
    const body = await readJson(request.raw)
    if (body === undefined) {
      consumers.subscription(group, instance) // 40403 first for an unknown instance
      throw new RestError(errors.partitionNotFound)
    }
    const committed = await consumers.committed(group, instance, parsePartitions(body))
    return {
      offsets: committed.map(c => ({
        topic: c.topic,
        partition: c.partition,
        offset: Number(c.offset),
        metadata: c.metadata
      }))
    }
  })
}

// `node scripts/probe-groups.ts`: shows how Kafka and the client list and describe consumer groups, the facts
// src/kafka/groups.ts is built on. Starts a throw-away broker, makes four groups and prints, per group, what
// ListGroups, DescribeGroups and ConsumerGroupDescribe say:
//   classic   a member joined with the client's Consumer, groupProtocol 'classic' (JoinGroup/SyncGroup)
//   consumer  a member joined with groupProtocol 'consumer' (KIP-848, ConsumerGroupHeartbeat)
//   simple    offsets committed by an admin, no member ever
//   none      a group id nobody used
// Findings with Kafka 4.3.1 and @platformatic/kafka 2.12.1:
// - Admin.listGroups() asks for types ['classic'] only: consumer-protocol groups appear only with
//   types ['classic', 'consumer'] (ListGroups v5).
// - DescribeGroups answers a consumer-protocol group as {state Dead, protocolType ""}, exactly like "none".
// - ConsumerGroupDescribe describes the consumer-protocol group (assignor "uniform") and answers the others with
//   GROUP_ID_NOT_FOUND ("Group g is not a consumer group." / "Group g not found.").
import {
  Admin,
  Consumer,
  FindCoordinatorKeyTypes,
  kGetApi,
  kGetConnection,
  ProduceAcks,
  Producer
} from '@platformatic/kafka'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startKafka } from '../tools/kafka/runtime.ts'

type Callback<T> = (error: Error | null, value?: T) => void
type RawApi = ((connection: unknown, ...args: unknown[]) => void) & { async: (...args: unknown[]) => Promise<unknown> }
interface Internals {
  [kGetApi](name: string, cb: Callback<RawApi>): void
  [kGetConnection](broker: { host: string; port: number }, cb: Callback<unknown>): void
}

const dir = await mkdtemp(join(tmpdir(), 'probe-groups-'))
const cluster = await startKafka({ dataDir: dir, fresh: true })
const brokers = [cluster.bootstrapServers]
const consumers: Consumer[] = []
const admin = new Admin({ clientId: 'probe', bootstrapBrokers: brokers })
try {
  await admin.createTopics({ topics: ['probe'], partitions: 2 })
  const producer = new Producer({ clientId: 'probe', bootstrapBrokers: brokers })
  await producer.send({ acks: ProduceAcks.ALL, messages: [{ topic: 'probe', partition: 0, value: Buffer.from('x') }] })
  await producer.close()

  for (const protocol of ['classic', 'consumer'] as const) {
    const consumer = new Consumer({
      clientId: protocol,
      groupId: protocol,
      bootstrapBrokers: brokers,
      groupProtocol: protocol
    })
    consumers.push(consumer)
    const stream = await consumer.consume({ topics: ['probe'], mode: 'earliest', autocommit: false })
    stream.on('data', () => {})
    while (!consumer.assignments?.length) await new Promise(resolve => setTimeout(resolve, 100))
  }
  await admin.alterConsumerGroupOffsets({
    groupId: 'simple',
    topics: [{ name: 'probe', partitionOffsets: [{ partition: 0, offset: 1n }] }]
  })

  const listed = (types?: string[]) =>
    admin
      .listGroups(types ? { types } : {})
      .then(groups => [...groups.values()].map(g => `${g.id}:${g.groupType}`).sort())
  console.log('listGroups()                       ', await listed())
  console.log("listGroups(['classic','consumer']) ", await listed(['classic', 'consumer']))

  const internals = admin as unknown as Internals
  const call = <T>(fn: (cb: Callback<T>) => void) =>
    new Promise<T>((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value!))))
  for (const group of ['classic', 'consumer', 'simple', 'none']) {
    const described = (await admin.describeGroups({ groups: [group] })).get(group)!
    console.log(`\n${group}: DescribeGroups        state=${described.state} protocolType="${described.protocolType}"`)
    const [coordinator] = await admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: [group] })
    const connection = await call<unknown>(cb => internals[kGetConnection](coordinator, cb))
    const api = await call<RawApi>(cb => internals[kGetApi]('ConsumerGroupDescribe', cb))
    try {
      const response = (await api.async(connection, [group], false)) as {
        groups: { groupState: string; assignorName: string }[]
      }
      const [g] = response.groups
      console.log(`${group}: ConsumerGroupDescribe state=${g.groupState} assignor=${g.assignorName}`)
    } catch (error) {
      const [g] = (error as { response: { groups: { errorCode: number; errorMessage: string }[] } }).response.groups
      console.log(`${group}: ConsumerGroupDescribe error ${g.errorCode} "${g.errorMessage}"`)
    }
  }
} finally {
  for (const consumer of consumers) await consumer.close(true)
  await admin.close()
  await cluster.stop()
  await rm(dir, { recursive: true, force: true })
}

// Summary of a V8 .cpuprofile (node --cpu-prof): the functions with the most self time, the most total
// (inclusive) time, and self time per origin (project source, each package, Node internals, GC, idle).
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

export interface ProfileEntry {
  name: string
  /** Percent of all sampled time. */
  percent: number
}

export interface ProfileSummary {
  file: string
  totalMs: number
  /** Percent of the time the proxy's thread was not idle. */
  busyPercent: number
  self: ProfileEntry[]
  total: ProfileEntry[]
  origins: ProfileEntry[]
}

function originOf(url: string, root: string): string {
  if (url === '') return '(native / VM)'
  if (url.startsWith('node:')) return 'node internals'
  const path = url.startsWith('file://') ? new URL(url).pathname : url
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)
  if (pkg) return pkg[1]
  return relative(root, path).startsWith('src/') ? 'proxy src/' : 'other'
}

function nameOf(node: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = node.callFrame
  const fn = functionName || '(anonymous)'
  if (!url) return fn
  const path = url.startsWith('file://') ? new URL(url).pathname : url
  const short = path.includes('node_modules/')
    ? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)
    : path.startsWith('/')
      ? relative(root, path)
      : path
  return `${fn} ${short}:${lineNumber + 1}`
}

const top = (map: Map<string, number>, totalMs: number, count: number): ProfileEntry[] =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => ({ name, percent: (100 * ms) / totalMs }))

export function summarizeProfile(profile: CpuProfile, file: string, root: string, count = 20): ProfileSummary {
  const byId = new Map(profile.nodes.map(node => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const self = new Map<string, number>()
  const total = new Map<string, number>()
  const origins = new Map<string, number>()
  let totalMs = 0
  let idleMs = 0
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000
    const node = byId.get(profile.samples[i])
    if (!node) continue
    totalMs += ms
    const name = nameOf(node, root)
    if (node.callFrame.functionName === '(idle)') idleMs += ms
    self.set(name, (self.get(name) ?? 0) + ms)
    const origin = node.callFrame.functionName.startsWith('(')
      ? node.callFrame.functionName
      : originOf(node.callFrame.url, root)
    origins.set(origin, (origins.get(origin) ?? 0) + ms)
    const seen = new Set<string>()
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!
      if (frame.callFrame.functionName === '(root)') continue
      const frameName = nameOf(frame, root)
      if (seen.has(frameName)) continue
      seen.add(frameName)
      total.set(frameName, (total.get(frameName) ?? 0) + ms)
    }
  }
  return {
    file,
    totalMs,
    busyPercent: totalMs > 0 ? (100 * (totalMs - idleMs)) / totalMs : 0,
    self: top(self, totalMs, count),
    total: top(total, totalMs, count),
    origins: top(origins, totalMs, count)
  }
}

/** Summaries of every .cpuprofile in `dir`. */
export async function summarizeProfiles(dir: string, root: string): Promise<ProfileSummary[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter(f => f.endsWith('.cpuprofile'))
  const summaries: ProfileSummary[] = []
  for (const file of files) {
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile
    summaries.push(summarizeProfile(profile, join(dir, file), root))
  }
  return summaries
}

export function formatProfile(summary: ProfileSummary, count = 15): string {
  const rows = (entries: ProfileEntry[]) =>
    entries
      .slice(0, count)
      .map(e => `  ${e.percent.toFixed(1).padStart(5)} %  ${e.name}`)
      .join('\n')
  return [
    `${relative(process.cwd(), summary.file)}: ${(summary.totalMs / 1000).toFixed(1)} s sampled, thread busy ${summary.busyPercent.toFixed(0)} %`,
    'self time by origin:',
    rows(summary.origins),
    'top functions by self time:',
    rows(summary.self),
    'top functions by total (inclusive) time:',
    rows(summary.total)
  ].join('\n')
}

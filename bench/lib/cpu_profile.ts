import { readFileSync } from 'node:fs'

type ProfileNode = {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
}

type Profile = {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

export type ProfileSummary = {
  totalMs: number
  idleMs: number
  /**
   * Self time by function, the largest first.
   */
  functions: { name: string; where: string; selfMs: number; share: number }[]
  /**
   * Self time by package (or "app" for the app's own code, "node" for
   * Node.js internals, "(gc)", "(program)").
   */
  packages: { name: string; selfMs: number; share: number }[]
  /**
   * Time spent under (inclusive) the frames whose name matches.
   */
  inclusive: (pattern: RegExp) => number
}

/**
 * Reads a `.cpuprofile` written by `node --cpu-prof`.
 */
export function summarizeProfile(path: string, options: { skipMs?: number } = {}): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id)
  }

  /**
   * skipMs leaves out the first milliseconds of the profile (the boot).
   */
  const selfUs = new Map<number, number>()
  let elapsedUs = 0
  for (const [index, id] of profile.samples.entries()) {
    const delta = profile.timeDeltas[index] ?? 0
    elapsedUs += delta
    if (elapsedUs < (options.skipMs ?? 0) * 1000) continue
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta)
  }
  const total = [...selfUs.values()].reduce((sum, value) => sum + value, 0)

  const functions = new Map<string, { name: string; where: string; selfUs: number }>()
  const packages = new Map<string, number>()
  let idle = 0
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame
    const name = frame.functionName || '(anonymous)'
    if (name === '(idle)') {
      idle += us
      continue
    }
    const where = shortUrl(frame.url, frame.lineNumber)
    const key = `${name} ${where}`
    const entry = functions.get(key) ?? { name, where, selfUs: 0 }
    entry.selfUs += us
    functions.set(key, entry)
    const pkg = packageOf(frame.url, name)
    packages.set(pkg, (packages.get(pkg) ?? 0) + us)
  }
  const busy = total - idle

  return {
    totalMs: total / 1000,
    idleMs: idle / 1000,
    functions: [...functions.values()]
      .sort((a, b) => b.selfUs - a.selfUs)
      .map((entry) => ({
        name: entry.name,
        where: entry.where,
        selfMs: entry.selfUs / 1000,
        share: entry.selfUs / busy,
      })),
    packages: [...packages.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: us / busy })),
    inclusive(pattern) {
      let us = 0
      for (const [id, sampleUs] of selfUs) {
        for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
          if (pattern.test(byId.get(at)!.callFrame.functionName)) {
            us += sampleUs
            break
          }
        }
      }
      return us / 1000
    },
  }
}

function shortUrl(url: string, line: number) {
  if (!url) return ''
  const trimmed = url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/build\//, '')
  return `${trimmed}:${line + 1}`
}

function packageOf(url: string, name: string) {
  if (!url) return name.startsWith('(') ? name : '(native)'
  if (url.startsWith('node:')) return 'node'
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (match) return match[1]
  return 'app'
}

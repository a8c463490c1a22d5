import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Every process the benchmarks start, so that none outlives the run: they
 * are stopped by their pid when a benchmark ends, when the runner exits and
 * on Ctrl+C.
 */
const children = new Set<ChildProcess>()

export function track(child: ChildProcess) {
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

/**
 * Stops what is still running: SIGTERM, then SIGKILL after `graceMs`.
 */
export async function stopAll(graceMs = 5_000) {
  await Promise.all([...children].map((child) => stop(child, graceMs)))
}

export async function stop(child: ChildProcess, graceMs = 5_000) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}

let installed = false

/**
 * Ctrl+C and SIGTERM stop the children before the runner exits; a runner
 * that exits for any other reason kills them.
 */
export function cleanUpOnExit(onSignal: () => Promise<void> = async () => {}) {
  if (installed) return
  installed = true
  process.once('exit', () => {
    for (const child of children) child.kill('SIGKILL')
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the benchmark's processes…`)
      void Promise.all([stopAll(2_000), onSignal()]).finally(() => process.exit(130))
    })
  }
}

/**
 * Runs a command to its end, answering its output; throws on a non-zero
 * exit with what it printed.
 */
export async function run(command: string, args: string[], options: SpawnOptions = {}) {
  const child = track(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options }))
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.slice(-4000)}`)
  }
  return output
}

/**
 * The resident set size of a process, in MB (VmRSS in /proc).
 */
export function rssMb(pid: number) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const match = /VmRSS:\s+(\d+) kB/.exec(status)
    return match ? Number(match[1]) / 1024 : null
  } catch {
    return null
  }
}

/**
 * Samples a process's RSS every `everyMs` until stopped.
 */
export function sampleRss(pid: number, everyMs = 100) {
  const samples: number[] = []
  const take = () => {
    const value = rssMb(pid)
    if (value !== null) samples.push(value)
  }
  take()
  const timer = setInterval(take, everyMs)
  return {
    samples,
    stop() {
      clearInterval(timer)
      take()
      return samples
    },
  }
}

/**
 * CPU time (user + system, in ms) a process has used so far.
 */
export function cpuMs(pid: number) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return (ticks * 1000) / 100
  } catch {
    return null
  }
}

/**
 * CPU time of every PostgreSQL process on the machine (its backends and
 * background workers), in ms: the server's share of a phase, as the
 * difference of two readings.
 */
export function postgresCpuMs() {
  let total = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue
    } catch {
      continue
    }
    try {
      /**
       * utime + stime, and cutime + cstime: a backend that exited during
       * the phase left its time to the postmaster.
       */
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')
      const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0)
      total += (ticks * 1000) / 100
    } catch {}
  }
  return total
}

/**
 * Busy CPU time of the whole machine (every core, /proc/stat: all but idle
 * and iowait), in ms.
 */
export function machineBusyMs() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1)
  const ticks = fields.map(Number)
  const busy = ticks.reduce((sum, value) => sum + value, 0) - ticks[3] - ticks[4]
  return (busy * 1000) / 100
}

export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string
) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await sleep(20)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

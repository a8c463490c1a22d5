import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { readFileSync } from 'node:fs'
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

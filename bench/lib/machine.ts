import { execFileSync } from 'node:child_process'
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { BenchDatabase } from './deployment.js'

export type Machine = {
  nproc: number
  cpu: string
  ramGb: number
  kernel: string
  node: string
  postgres: string
  postgresSettings: Record<string, string>
  commit: string
}

const POSTGRES_SETTINGS = [
  'shared_buffers',
  'work_mem',
  'effective_cache_size',
  'max_connections',
  'synchronous_commit',
  'fsync',
  'wal_level',
  'jit',
]

export async function describeMachine(): Promise<Machine> {
  const { version, settings } = await BenchDatabase.admin(async (client) => {
    const { rows } = await client.query(
      'SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)',
      [POSTGRES_SETTINGS]
    )
    const answer = await client.query('SHOW server_version')
    return {
      version: answer.rows[0].server_version as string,
      settings: Object.fromEntries(
        rows.map((row) => [row.name, humanSetting(row.setting, row.unit)])
      ),
    }
  })
  let commit = 'unknown'
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
  } catch {}
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    ramGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    postgres: version,
    postgresSettings: settings,
    commit,
  }
}

/**
 * "1.23 / 0.98 / 0.75": the load average over 1, 5 and 15 minutes.
 */
export function loadAverage() {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ')
}

/**
 * Waits (up to `maxWaitMs`) for the 1-minute load average to drop to
 * `threshold`: other people's test runs share this machine. Answers the
 * load it started at and whether it got quiet.
 */
export async function waitForQuiet(threshold: number, maxWaitMs: number) {
  const started = Date.now()
  const initial = loadavg()[0]
  let announced = false
  while (loadavg()[0] > threshold && Date.now() - started < maxWaitMs) {
    if (!announced) {
      console.log(
        `  load average ${loadavg()[0].toFixed(2)} > ${threshold}: waiting up to ${Math.round(maxWaitMs / 1000)} s for the machine to calm down`
      )
      announced = true
    }
    await sleep(5_000)
  }
  return {
    initial,
    final: loadavg()[0],
    waitedSeconds: Math.round((Date.now() - started) / 1000),
    quiet: loadavg()[0] <= threshold,
  }
}

function humanSetting(setting: string, unit: string | null) {
  if (unit === '8kB') return `${(Number(setting) * 8) / 1024} MB`
  if (unit === 'kB') return `${Number(setting) / 1024} MB`
  return unit ? `${setting} ${unit}` : setting
}

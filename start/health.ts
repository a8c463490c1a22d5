/*
|--------------------------------------------------------------------------
| Health checks
|--------------------------------------------------------------------------
|
| Liveness (/health/live): the process answers; Docker restarts it when it
| does not. Readiness (/health/ready): it can serve, so the proxy may send it
| requests and a rolling update may go on: the database, storage, the job
| queue and Redis (when configured) answer, and the process is not stopping.
|
*/
import { HealthChecks } from '@adonisjs/core/health'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import { AppLifecycle } from '#services/app_lifecycle'
import { DatabaseCheck, QueueCheck, RedisCheck, StorageCheck } from '#services/health/checks'
import env from '#start/env'

const redisUrl = env.get('REDIS_URL')
const redisCheck = redisUrl ? new RedisCheck(redisUrl) : null

export const healthChecks = new HealthChecks().register([
  new DatabaseCheck(),
  new StorageCheck(
    env.get('DRIVE_DISK', 'fs'),
    app.makePath(env.get('DRIVE_FS_DIR') || 'storage/uploads')
  ),
  new QueueCheck(),
  ...(redisCheck ? [redisCheck] : []),
])

app.terminating(() => redisCheck?.close())

/**
 * A report may take this long; a dependency that hangs fails readiness.
 */
const READINESS_TIMEOUT_MS = 5_000

export type ReadinessReport = {
  status: 'ok' | 'error' | 'draining'
  checks: { name: string; status: string }[]
}

/**
 * What /health/ready answers: the status of each dependency, never their
 * error messages (those go to the log).
 */
export async function readiness(): Promise<ReadinessReport> {
  const lifecycle = await app.container.make(AppLifecycle)
  if (lifecycle.draining) return { status: 'draining', checks: [] }

  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), READINESS_TIMEOUT_MS)
  })
  const report = await Promise.race([healthChecks.run(), timeout])
  clearTimeout(timer)
  if (!report) {
    logger.warn({ timeoutMs: READINESS_TIMEOUT_MS }, 'readiness checks timed out')
    return { status: 'error', checks: [] }
  }

  const failed = report.checks.filter((check) => check.status === 'error')
  if (failed.length > 0) {
    logger.warn(
      {
        checks: failed.map((check) => ({
          name: check.name,
          message: check.message,
          error: (check.meta?.error as Error | undefined)?.message,
        })),
      },
      'not ready'
    )
  }
  return {
    status: report.isHealthy ? 'ok' : 'error',
    checks: report.checks.map((check) => ({ name: check.name, status: check.status })),
  }
}

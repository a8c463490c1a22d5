/**
 * The image's HEALTHCHECK: asks the running role whether it is ready.
 *
 * - web: GET /health/ready on PORT
 * - worker: GET /health/ready on WORKER_HEALTH_PORT (the worker serves it
 *   only when that variable is set)
 * - migrate, ace: one-shot commands, nothing to check
 *
 * The role is the one docker/entrypoint.sh wrote to ATIENDE_ROLE_FILE
 * (default /tmp/atiende-role). Exit 0 is healthy, 1 is not; what is
 * printed ends up in `docker inspect` under State.Health.
 */
import { readFileSync } from 'node:fs'

const roleFile = process.env.ATIENDE_ROLE_FILE || '/tmp/atiende-role'
const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS || 3000)

function readRole() {
  try {
    return readFileSync(roleFile, 'utf8').trim()
  } catch {
    return null
  }
}

function portOf(role) {
  if (role === 'web') return process.env.PORT || '3333'
  if (role === 'worker') return process.env.WORKER_HEALTH_PORT || null
  return null
}

/**
 * The server listens on HOST; a wildcard address is reached on loopback.
 */
function hostOf() {
  const host = process.env.HOST
  if (!host || host === '0.0.0.0' || host === '::') return '127.0.0.1'
  return host.includes(':') ? `[${host}]` : host
}

const role = readRole()
if (!role) {
  console.log(`No role in ${roleFile} (not started by the entrypoint): nothing to check`)
  process.exit(0)
}

const port = portOf(role)
if (!port) {
  console.log(
    role === 'worker'
      ? 'worker without WORKER_HEALTH_PORT: nothing to check'
      : `${role}: nothing to check`
  )
  process.exit(0)
}

const url = `http://${hostOf()}:${port}/health/ready`
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  const body = (await response.text()).slice(0, 500)
  console.log(`${role} ${url} → ${response.status} ${body}`)
  process.exit(response.status === 200 ? 0 : 1)
} catch (error) {
  const reason = error?.cause?.code ?? error?.name ?? error
  console.log(`${role} ${url} → no answer (${reason})`)
  process.exit(1)
}

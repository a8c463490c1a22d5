import type { HttpContext } from '@adonisjs/core/http'

/**
 * Probes for Docker Swarm and the proxy (see start/health.ts).
 */
export default class HealthChecksController {
  async live({ response }: HttpContext) {
    return response.ok({ status: 'ok' })
  }

  async ready({ response }: HttpContext) {
    const { readiness } = await import('#start/health')
    const report = await readiness()
    return report.status === 'ok' ? response.ok(report) : response.serviceUnavailable(report)
  }
}

import { createServer } from 'node:http'
import { readiness } from '#start/health'

/**
 * The health endpoints of a process without a web server (the worker
 * role): GET /health/live and /health/ready on their own port.
 */
export async function startHealthServer(port: number, host = '0.0.0.0') {
  const server = createServer(async (request, response) => {
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' })
      response.end(JSON.stringify(body))
    }
    if (request.method !== 'GET') return answer(405, { status: 'error' })
    if (request.url === '/health/live') return answer(200, { status: 'ok' })
    if (request.url === '/health/ready') {
      const report = await readiness().catch(() => ({ status: 'error', checks: [] }))
      return answer(report.status === 'ok' ? 200 : 503, report)
    }
    return answer(404, { status: 'error' })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  return {
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

import { createServer, request, type Server } from 'node:http'
import { createGzip } from 'node:zlib'
import { freePort } from '#tests/helpers/throwaway_services'

/**
 * Production answers browsers through Traefik, whose `compress` middleware
 * (docker/stack.yml) compresses pages, scripts and styles; the app itself
 * does not. A benchmark of what a browser downloads goes through this
 * proxy in front of the web process: gzip (level 6) on HTML, JavaScript,
 * CSS, JSON and SVG answers of 1 KB or more when the browser accepts it,
 * everything else (the event stream above all) passed through as it
 * comes. Traefik would offer Brotli or zstd too: a little smaller, so the
 * figures behind this proxy lean pessimistic.
 */
const COMPRESSIBLE =
  /^(text\/html|text\/css|text\/javascript|application\/javascript|application\/json|image\/svg\+xml)/

export async function startCompressingProxy(target: string) {
  const upstream = new URL(target)
  const server: Server = createServer((incoming, outgoing) => {
    const forwarded = request(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        const type = String(answer.headers['content-type'] ?? '')
        const length = Number(answer.headers['content-length'] ?? Number.NaN)
        const compress =
          COMPRESSIBLE.test(type) &&
          !answer.headers['content-encoding'] &&
          !(length < 1024) &&
          answer.statusCode !== 204 &&
          answer.statusCode !== 304 &&
          /\bgzip\b/.test(String(incoming.headers['accept-encoding'] ?? ''))
        if (!compress) {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(outgoing)
          return
        }
        const headers = { ...answer.headers, 'content-encoding': 'gzip', 'vary': 'Accept-Encoding' }
        delete headers['content-length']
        outgoing.writeHead(answer.statusCode ?? 502, headers)
        answer.pipe(createGzip({ level: 6 })).pipe(outgoing)
      }
    )
    forwarded.on('error', () => outgoing.destroy())
    incoming.pipe(forwarded)
  })
  const port = await freePort()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

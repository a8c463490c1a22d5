import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type RecordedRequest = {
  method: string
  path: string
  authorization: string | undefined
  body: unknown
}

/**
 * A stand-in for an OpenAI-compatible provider: a real HTTP server on
 * 127.0.0.1 that the app reaches through the real `openai` SDK. Keys in
 * `acceptedKeys` are valid; any other key gets the provider's 401.
 */
export class FakeOpenAI {
  requests: RecordedRequest[] = []
  acceptedKeys = new Set<string>()
  /**
   * Forces the next answers to this status (500, 429...) when set.
   */
  failWith: number | null = null
  #server?: Server

  get baseUrl() {
    const address = this.#server!.address() as AddressInfo
    return `http://127.0.0.1:${address.port}/v1`
  }

  async start() {
    this.#server = createServer((req, res) => this.#handle(req, res))
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve))
    return this
  }

  async stop() {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()))
  }

  reset() {
    this.requests = []
    this.acceptedKeys.clear()
    this.failWith = null
  }

  async #handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = []
    for await (const chunk of req) {
      chunks.push(chunk as Buffer)
    }
    const raw = Buffer.concat(chunks).toString('utf8')
    const authorization = req.headers.authorization
    this.requests.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      authorization,
      body: raw ? JSON.parse(raw) : null,
    })

    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }

    if (this.failWith) {
      return send(this.failWith, { error: { message: 'Simulated failure', type: 'server_error' } })
    }

    const key = authorization?.replace(/^Bearer /, '') ?? ''
    if (!this.acceptedKeys.has(key)) {
      return send(401, {
        error: {
          message: 'Incorrect API key provided.',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      })
    }

    if (req.method === 'GET' && req.url === '/v1/models') {
      return send(200, {
        object: 'list',
        data: [{ id: 'gpt-4.1-mini', object: 'model', created: 1744316542, owned_by: 'system' }],
      })
    }

    return send(404, { error: { message: `Unknown route ${req.method} ${req.url}` } })
  }
}

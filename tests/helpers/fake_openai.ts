import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type ChatRequest = {
  model: string
  messages: { role: string; content: unknown; tool_calls?: unknown[]; tool_call_id?: string }[]
  tools?: { type: string; function: { name: string } }[]
  [key: string]: unknown
}

/**
 * What the fake model answers to one chat completion.
 */
export type ChatReply = {
  content?: string
  toolCalls?: { name: string; arguments: Record<string, unknown> }[]
  usage?: { prompt: number; completion: number }
  /**
   * Answer with this HTTP status (401, 429, 500...) instead.
   */
  status?: number
  /**
   * Wait this long before answering (timeouts, slow models).
   */
  delayMs?: number
}

/**
 * What the fake answers to one transcription, and what it was sent.
 */
export type TranscriptionReply = { text?: string; status?: number; delayMs?: number }

export type TranscriptionRequest = {
  model: string
  language: string | null
  responseFormat: string | null
  fileName: string
  fileType: string
  fileBytes: Buffer
}

/**
 * The endpoint's formats (by file extension), as the API documents them.
 */
const AUDIO_EXTENSIONS = ['flac', 'mp3', 'mp4', 'mpeg', 'mpga', 'm4a', 'ogg', 'wav', 'webm']

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
  /**
   * The model: answers each chat completion request. The default echoes a
   * greeting.
   */
  chat: (request: ChatRequest) => ChatReply | Promise<ChatReply> = () => ({
    content: 'Hola, ¿en qué te ayudo?',
  })
  /**
   * Speech to text: answers each POST /v1/audio/transcriptions.
   */
  transcribe: (request: TranscriptionRequest) => TranscriptionReply | Promise<TranscriptionReply> =
    () => ({ text: 'Hola, ¿tienen envíos?' })
  transcriptions: TranscriptionRequest[] = []
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
    this.chat = () => ({ content: 'Hola, ¿en qué te ayudo?' })
    this.transcribe = () => ({ text: 'Hola, ¿tienen envíos?' })
    this.transcriptions = []
  }

  chatRequests() {
    return this.requests
      .filter((request) => request.path === '/v1/chat/completions')
      .map((request) => request.body as ChatRequest)
  }

  /**
   * Answers the next requests with these replies, in order (then repeats
   * the last one).
   */
  script(...replies: (ChatReply | ((request: ChatRequest) => ChatReply))[]) {
    let index = 0
    this.chat = (request) => {
      const reply = replies[Math.min(index, replies.length - 1)]
      index += 1
      return typeof reply === 'function' ? reply(request) : reply
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = []
    for await (const chunk of req) {
      chunks.push(chunk as Buffer)
    }
    const bytes = Buffer.concat(chunks)
    const multipart = String(req.headers['content-type']).startsWith('multipart/form-data')
    const raw = multipart ? '' : bytes.toString('utf8')
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

    if (req.method === 'POST' && req.url === '/v1/chat/completions') {
      const request = JSON.parse(raw) as ChatRequest
      const reply = await this.chat(request)
      if (reply.delayMs) {
        await new Promise((resolve) => setTimeout(resolve, reply.delayMs))
      }
      if (reply.status) {
        return send(reply.status, {
          error: { message: `Simulated ${reply.status}`, type: 'server_error' },
        })
      }
      const promptTokens = reply.usage?.prompt ?? Math.ceil(raw.length / 4)
      const completionTokens =
        reply.usage?.completion ?? Math.ceil((reply.content ?? '').length / 4) + 5
      const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
        id: `call_${Date.now()}_${index}`,
        type: 'function',
        function: { name: call.name, arguments: JSON.stringify(call.arguments) },
      }))
      return send(200, {
        id: `chatcmpl-${Date.now()}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: request.model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: toolCalls.length ? null : (reply.content ?? ''),
              ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
              refusal: null,
            },
            finish_reason: toolCalls.length ? 'tool_calls' : 'stop',
            logprobs: null,
          },
        ],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        },
      })
    }

    if (req.method === 'POST' && req.url === '/v1/audio/transcriptions') {
      return this.#transcription(req, bytes, send)
    }

    return send(404, { error: { message: `Unknown route ${req.method} ${req.url}` } })
  }

  /**
   * POST /v1/audio/transcriptions as the API documents it: multipart form
   * with `file` and `model` (required), `language`, `response_format`;
   * answers `{ text, usage }` (usage by tokens for the gpt-4o models, by
   * duration for whisper-1), 400 for a missing field or a format it does
   * not read.
   */
  async #transcription(
    req: IncomingMessage,
    bytes: Buffer,
    send: (status: number, body: unknown) => void
  ) {
    const form = await new Request('http://fake/upload', {
      method: 'POST',
      headers: { 'content-type': String(req.headers['content-type']) },
      body: bytes,
    }).formData()
    const file = form.get('file')
    const model = form.get('model')
    if (!(file instanceof File) || typeof model !== 'string' || !model) {
      return send(400, {
        error: {
          message: 'you must provide a model parameter and a file',
          type: 'invalid_request_error',
        },
      })
    }
    const extension = file.name.split('.').pop()?.toLowerCase() ?? ''
    if (!AUDIO_EXTENSIONS.includes(extension)) {
      return send(400, {
        error: {
          message: `Invalid file format. Supported formats: ${JSON.stringify(AUDIO_EXTENSIONS)}`,
          type: 'invalid_request_error',
        },
      })
    }
    const request: TranscriptionRequest = {
      model,
      language: typeof form.get('language') === 'string' ? String(form.get('language')) : null,
      responseFormat:
        typeof form.get('response_format') === 'string'
          ? String(form.get('response_format'))
          : null,
      fileName: file.name,
      fileType: file.type,
      fileBytes: Buffer.from(await file.arrayBuffer()),
    }
    this.transcriptions.push(request)
    const reply = await this.transcribe(request)
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs))
    if (reply.status) {
      return send(reply.status, {
        error: { message: `Simulated ${reply.status}`, type: 'server_error' },
      })
    }
    const text = reply.text ?? ''
    const usage =
      model === 'whisper-1'
        ? { type: 'duration', seconds: Math.max(1, Math.round(request.fileBytes.length / 2000)) }
        : {
            type: 'tokens',
            input_tokens: 50,
            output_tokens: Math.ceil(text.length / 4),
            total_tokens: 50 + Math.ceil(text.length / 4),
          }
    return send(200, { text, usage })
  }
}

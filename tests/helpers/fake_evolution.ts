import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

type FakeInstance = {
  name: string
  token: string
  state: 'open' | 'connecting' | 'close'
  qrCount: number
  webhook: { url: string; headers: Record<string, string>; events: string[] }
}

export type GatewayRequest = {
  method: string
  path: string
  apikey: string | undefined
  body: any
}

/**
 * A stand-in for the Evolution API v2 gateway, written from
 * shared/contracts/evolution-api.md: a real HTTP server on 127.0.0.1 with
 * its routes, `apikey` auth, answer and error shapes. It records what it was
 * asked and posts webhooks to the app as the gateway would.
 */
export class FakeEvolution {
  readonly globalKey = 'fake-global-key-0123456789'
  requests: GatewayRequest[] = []
  instances = new Map<string, FakeInstance>()
  notOnWhatsapp = new Set<string>()
  #failures: number[] = []
  #stalls: number[] = []
  #closedSends = 0
  #mediaFailures = 0
  /**
   * The bytes (base64) the gateway gives for a message id's media.
   */
  mediaFiles = new Map<string, string>()
  #errorAnswers: { status: number; message: unknown }[] = []
  #server?: Server
  #port = 0
  #sequence = 0

  get url() {
    return `http://127.0.0.1:${this.#port}`
  }

  async start() {
    this.#server = createServer((req, res) => void this.#handle(req, res))
    await new Promise<void>((resolve) => this.#server!.listen(this.#port, '127.0.0.1', resolve))
    this.#port = (this.#server!.address() as AddressInfo).port
    return this
  }

  async stop() {
    await new Promise<void>((resolve) => {
      this.#server?.closeAllConnections()
      this.#server?.close(() => resolve())
    })
  }

  /**
   * The gateway goes down (connections refused) until start() again.
   */
  async down() {
    await this.stop()
  }

  /**
   * Runs when a request has arrived, before it is answered (a test acting
   * "while the gateway sends").
   */
  beforeAnswer: ((request: GatewayRequest) => Promise<void>) | null = null

  reset() {
    this.beforeAnswer = null
    this.requests = []
    this.instances.clear()
    this.notOnWhatsapp.clear()
    this.#failures = []
    this.#stalls = []
    this.#closedSends = 0
    this.#mediaFailures = 0
    this.mediaFiles.clear()
    this.#errorAnswers = []
  }

  /**
   * The next answers fail with these statuses (e.g. failNext(500, 502)).
   */
  failNext(...statuses: number[]) {
    this.#failures.push(...statuses)
  }

  /**
   * The next requests are handled (a send goes out) but answered only after
   * this long: the app's timeout fires first.
   */
  stallNext(...delaysMs: number[]) {
    this.#stalls.push(...delaysMs)
  }

  /**
   * The instances' WhatsApp connection drops (Baileys reconnecting): sends
   * answer what the gateway answers then, a 400 "Error: Connection Closed"
   * — the next `count` of them, or all until reopenConnection().
   */
  dropConnection(count = Number.POSITIVE_INFINITY) {
    this.#closedSends = count
  }

  reopenConnection() {
    this.#closedSends = 0
  }

  /**
   * The next request answers this error envelope, e.g. a schema error
   * answerError(400, [['instance requires property "number"']]).
   */
  answerError(status: number, message: unknown) {
    this.#errorAnswers.push({ status, message })
  }

  /**
   * The id the next send it accepts answers (a test reporting the send
   * before the answer, as the gateway's send.message may).
   */
  get nextSentId() {
    return `3EB0FAKE${String(this.#sequence + 1).padStart(8, '0')}`
  }

  sent(path: string) {
    return this.requests.filter((request) => request.path.startsWith(path))
  }

  /**
   * Posts a webhook delivery of `instanceName` to the app, with the headers
   * configured at create time (or others, to test refusals).
   */
  async deliver(
    instanceName: string,
    event: string,
    data: unknown,
    options: { headers?: Record<string, string>; appUrl?: string } = {}
  ) {
    const instance = this.instances.get(instanceName)
    const webhookPath = instance
      ? `${new URL(instance.webhook.url).pathname}${new URL(instance.webhook.url).search}`
      : '/webhooks/whatsapp'
    const appUrl = options.appUrl ?? `http://${process.env.HOST}:${process.env.PORT}`
    const response = await fetch(`${appUrl}${webhookPath}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.headers ?? instance?.webhook.headers ?? {}),
      },
      body: JSON.stringify({
        event,
        instance: instanceName,
        data,
        destination: instance?.webhook.url,
        date_time: new Date().toISOString(),
        sender: '5215599990000@s.whatsapp.net',
        server_url: this.url,
        apikey: null,
      }),
    })
    const text = await response.text()
    return { status: response.status, body: text ? JSON.parse(text) : null }
  }

  /**
   * What messages.upsert carries for a customer's text.
   */
  static textMessage(params: {
    id: string
    from: string
    text: string
    pushName?: string
    fromMe?: boolean
    remoteJidAlt?: string
  }) {
    return {
      key: {
        remoteJid: params.from,
        ...(params.remoteJidAlt ? { remoteJidAlt: params.remoteJidAlt } : {}),
        fromMe: params.fromMe ?? false,
        id: params.id,
      },
      pushName: params.pushName ?? 'Giovanna',
      status: 'DELIVERY_ACK',
      message: { conversation: params.text },
      messageType: 'conversation',
      messageTimestamp: Math.floor(Date.now() / 1000),
      instanceId: '00000000-0000-0000-0000-000000000001',
      source: 'android',
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const body = raw ? JSON.parse(raw) : null
    const url = new URL(req.url ?? '/', this.url)
    const apikey = req.headers.apikey as string | undefined
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, apikey, body })

    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(payload))
    }
    const error = (status: number, message: unknown) =>
      send(status, { status, error: STATUS_TEXT[status] ?? 'Error', response: { message } })

    if (this.beforeAnswer) await this.beforeAnswer(this.requests.at(-1)!)

    const stall = this.#stalls.shift()
    if (stall) {
      await new Promise((resolve) => setTimeout(resolve, stall))
    }

    const failure = this.#failures.shift()
    if (failure) {
      return error(failure, ['Simulated failure'])
    }
    const answer = this.#errorAnswers.shift()
    if (answer) {
      return error(answer.status, answer.message)
    }

    const [, group, action, name] = url.pathname.split('/')
    const route = `${req.method} /${group}/${action}`

    if (route === 'POST /instance/create') {
      if (apikey !== this.globalKey) return error(401, 'Unauthorized')
      if (!body?.integration) return error(400, ['Invalid integration'])
      if (!Array.isArray(body?.webhook?.events)) return error(400, ['webhook.events is required'])
      if (this.instances.has(body.instanceName)) {
        return error(403, [`This name "${body.instanceName}" is already in use.`])
      }
      const instance: FakeInstance = {
        name: body.instanceName,
        token: body.token,
        state: 'connecting',
        qrCount: 1,
        webhook: {
          url: body.webhook.url,
          headers: body.webhook.headers ?? {},
          events: body.webhook.events,
        },
      }
      this.instances.set(instance.name, instance)
      return send(201, {
        instance: {
          instanceName: instance.name,
          instanceId: '00000000-0000-0000-0000-000000000001',
          integration: 'WHATSAPP-BAILEYS',
          status: 'connecting',
        },
        hash: instance.token,
        webhook: {
          webhookUrl: body.webhook.url,
          webhookHeaders: {},
          webhookByEvents: false,
          webhookBase64: true,
        },
        settings: { groupsIgnore: true, rejectCall: false },
        qrcode: { pairingCode: null, code: '2@AbC', base64: this.qr(instance), count: 1 },
      })
    }

    const instance = name ? this.instances.get(decodeURIComponent(name)) : undefined
    if (!instance) {
      return error(404, [`The "${name}" instance does not exist`])
    }
    if (apikey !== instance.token && apikey !== this.globalKey) {
      return error(401, 'Unauthorized')
    }

    switch (route) {
      case 'GET /instance/connect':
        if (instance.state === 'open') {
          return send(200, { instance: { instanceName: instance.name, state: 'open' } })
        }
        instance.state = 'connecting'
        instance.qrCount += 1
        return send(200, {
          pairingCode: null,
          code: '2@AbC',
          base64: this.qr(instance),
          count: instance.qrCount,
        })
      case 'GET /instance/connectionState':
        return send(200, { instance: { instanceName: instance.name, state: instance.state } })
      case 'DELETE /instance/logout':
        if (instance.state === 'close') return error(400, ['The "instance" is not connected'])
        instance.state = 'close'
        return send(200, {
          status: 'SUCCESS',
          error: false,
          response: { message: 'Instance logged out' },
        })
      case 'DELETE /instance/delete':
        this.instances.delete(instance.name)
        return send(200, {
          status: 'SUCCESS',
          error: false,
          response: { message: 'Instance deleted' },
        })
      case 'POST /message/sendText':
      case 'POST /message/sendMedia': {
        const number = String(body?.number ?? '')
        if (this.#closedSends > 0) {
          this.#closedSends -= 1
          return error(400, ['Error: Connection Closed'])
        }
        if (this.notOnWhatsapp.has(number.split('@')[0])) {
          return error(400, [{ jid: `${number}@s.whatsapp.net`, exists: false, number }])
        }
        const id = this.nextSentId
        this.#sequence += 1
        return send(201, {
          key: {
            remoteJid: number.includes('@') ? number : `${number}@s.whatsapp.net`,
            fromMe: true,
            id,
          },
          pushName: 'Você',
          status: 'PENDING',
          message: action === 'sendText' ? { conversation: body.text } : { imageMessage: {} },
          messageType: action === 'sendText' ? 'conversation' : 'imageMessage',
          messageTimestamp: Math.floor(Date.now() / 1000),
          instanceId: '00000000-0000-0000-0000-000000000001',
        })
      }
      case 'POST /webhook/set': {
        const webhook = body?.webhook
        if (typeof webhook?.url !== 'string') return error(400, [['webhook.url is required']])
        instance.webhook = {
          url: webhook.url,
          headers: webhook.headers ?? {},
          events: webhook.events ?? [],
        }
        return send(201, {
          id: '00000000-0000-0000-0000-000000000002',
          url: webhook.url,
          headers: webhook.headers ?? {},
          enabled: webhook.enabled ?? true,
          events: webhook.events ?? [],
          webhookByEvents: webhook.byEvents ?? false,
          webhookBase64: webhook.base64 ?? false,
          instanceId: '00000000-0000-0000-0000-000000000001',
        })
      }
      case 'POST /chat/sendPresence':
        return send(201, { presence: body?.presence })
      case 'POST /chat/markMessageAsRead':
        return send(201, { message: 'Read messages', read: 'success' })
      case 'POST /chat/getBase64FromMediaMessage':
        return this.#mediaOf(body?.message, send, error)
      default:
        return error(404, [`Cannot ${route}`])
    }
  }

  /**
   * getBase64FromMediaMessage as 2.3.6 answers it: the message given whole
   * (with only a key the gateway would look in its own database, which
   * this one does not keep); ephemeral, document-with-caption and
   * view-once (V1, V2) wrappers opened, in that order; a media message's
   * bytes (those registered with mediaFile(), else a 1×1 JPEG); every
   * failure a 400 with its text.
   */
  #mediaOf(
    given: { key?: { id?: string }; message?: Record<string, any> } | undefined,
    send: (status: number, payload: unknown) => void,
    error: (status: number, message: unknown) => void
  ) {
    if (!given?.message) return error(400, ['Message not found'])
    let content = given.message
    for (const wrapper of MESSAGE_SUBTYPES) {
      if (content[wrapper]) content = content[wrapper].message
    }
    const mediaType = MEDIA_MESSAGE_TYPES.find((type) => content[type])
    if (!mediaType) return error(400, ['The message is not of the media type'])
    if (this.#mediaFailures > 0) {
      this.#mediaFailures--
      return error(400, ['Error: Failed to fetch stream from https://mmg.whatsapp.net/...'])
    }
    const media = content[mediaType]
    const id = given.key?.id ?? 'file'
    return send(201, {
      mediaType,
      fileName: media.fileName ?? `${id}.${String(media.mimetype ?? 'bin').split('/')[1]}`,
      caption: media.caption,
      size: { fileLength: media.fileLength, height: media.height, width: media.width },
      mimetype: media.mimetype,
      base64: this.mediaFiles.get(id) ?? PIXEL_JPEG,
      buffer: null,
    })
  }

  /**
   * The next `count` media fetches fail as a download from WhatsApp's CDN
   * does.
   */
  failMediaFetches(count: number) {
    this.#mediaFailures = count
  }

  qr(instance: FakeInstance) {
    return `data:image/png;base64,RkFLRVFS${instance.name}${instance.qrCount}`
  }
}

const MESSAGE_SUBTYPES = [
  'ephemeralMessage',
  'documentWithCaptionMessage',
  'viewOnceMessage',
  'viewOnceMessageV2',
]
const MEDIA_MESSAGE_TYPES = [
  'imageMessage',
  'documentMessage',
  'audioMessage',
  'videoMessage',
  'stickerMessage',
  'ptvMessage',
]

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

/**
 * A 1×1 JPEG (whole: from its start to its end-of-image marker).
 */
export const PIXEL_JPEG =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q=='

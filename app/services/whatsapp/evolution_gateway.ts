import { setTimeout as sleep } from 'node:timers/promises'
import { errors as vineErrors } from '@vinejs/vine'
import logger from '@adonisjs/core/services/logger'
import {
  WhatsAppGateway,
  type ConnectionState,
  type InstanceCredentials,
  type MediaKind,
  type QrState,
  type SendOptions,
  type SentMessage,
} from '#services/whatsapp/whatsapp_gateway'
import {
  GatewayOutcomeUnknownError,
  GatewayRejectedError,
  GatewayUnavailableError,
} from '#services/whatsapp/gateway_errors'
import {
  connectionStateOf,
  parseEvolutionWebhook,
} from '#services/whatsapp/evolution_message_parser'
import {
  connectionStateAnswerValidator,
  createAnswerValidator,
  mediaAnswerValidator,
  qrAnswerValidator,
  sendAnswerValidator,
} from '#services/whatsapp/evolution_schemas'

export type EvolutionOptions = {
  url: string
  apiKey: string
  /**
   * Per request (a sendText with a typing delay adds it).
   */
  timeoutMs?: number
  /**
   * Attempts after the first on network errors and 5xx answers.
   */
  retries?: number
  retryBaseMs?: number
}

/**
 * Every event Atiende handles, for an instance's webhook (created or set
 * again by `node ace whatsapp:resubscribe`).
 */
export const WEBHOOK_EVENTS = [
  'MESSAGES_UPSERT',
  'MESSAGES_UPDATE',
  'MESSAGES_EDITED',
  'MESSAGES_DELETE',
  'SEND_MESSAGE',
  'CONNECTION_UPDATE',
  'QRCODE_UPDATED',
  'CONTACTS_UPSERT',
  'CONTACTS_UPDATE',
]

type RequestOptions = {
  apiKey: string
  body?: unknown
  /**
   * A send must not be repeated after a timeout: the gateway may have sent
   * it already. Refused connections and 5xx answers are retried.
   */
  retryOnTimeout?: boolean
  extraTimeoutMs?: number
}

/**
 * The Evolution API v2 (Baileys) over HTTP, as described in
 * shared/contracts/evolution-api.md.
 */
export class EvolutionGateway extends WhatsAppGateway {
  readonly driver = 'evolution' as const
  #url: string
  #apiKey: string
  #timeoutMs: number
  #retries: number
  #retryBaseMs: number

  constructor(options: EvolutionOptions) {
    super()
    this.#url = options.url.replace(/\/+$/, '')
    this.#apiKey = options.apiKey
    this.#timeoutMs = options.timeoutMs ?? 15_000
    this.#retries = options.retries ?? 3
    this.#retryBaseMs = options.retryBaseMs ?? 400
  }

  async createInstance(params: {
    instanceName: string
    token: string
    webhookUrl: string
    webhookSecret: string
  }): Promise<QrState> {
    const answer = await this.#request('POST', '/instance/create', {
      apiKey: this.#apiKey,
      extraTimeoutMs: 15_000,
      body: {
        instanceName: params.instanceName,
        token: params.token,
        qrcode: true,
        integration: 'WHATSAPP-BAILEYS',
        groupsIgnore: true,
        webhook: {
          url: params.webhookUrl,
          byEvents: false,
          base64: true,
          headers: { authorization: `Bearer ${params.webhookSecret}` },
          events: WEBHOOK_EVENTS,
        },
      },
    })
    const created = await this.#parse(createAnswerValidator, answer)
    return {
      state: connectionStateOf(created.instance.status ?? 'connecting'),
      qr: created.qrcode?.base64 ?? null,
      pairingCode: created.qrcode?.pairingCode ?? null,
    }
  }

  async connect(instance: InstanceCredentials): Promise<QrState> {
    const answer = await this.#request('GET', `/instance/connect/${this.#name(instance)}`, {
      apiKey: instance.token,
      retryOnTimeout: true,
    })
    const qr = await this.#parse(qrAnswerValidator, answer)
    if (qr.error) {
      throw new GatewayUnavailableError(qr.message ?? 'The gateway could not start the connection')
    }
    if (qr.instance?.state) {
      return { state: connectionStateOf(qr.instance.state), qr: null, pairingCode: null }
    }
    return { state: 'connecting', qr: qr.base64 ?? null, pairingCode: qr.pairingCode ?? null }
  }

  async connectionState(instance: InstanceCredentials): Promise<ConnectionState> {
    const answer = await this.#request('GET', `/instance/connectionState/${this.#name(instance)}`, {
      apiKey: instance.token,
      retryOnTimeout: true,
    })
    const state = await this.#parse(connectionStateAnswerValidator, answer)
    return connectionStateOf(state.instance.state)
  }

  async logout(instance: InstanceCredentials) {
    try {
      await this.#request('DELETE', `/instance/logout/${this.#name(instance)}`, {
        apiKey: instance.token,
        retryOnTimeout: true,
      })
    } catch (error) {
      /**
       * 400 means "already closed": the outcome we wanted.
       */
      if (!(error instanceof GatewayRejectedError && error.gatewayStatus === 400)) {
        throw error
      }
    }
  }

  async deleteInstance(instance: InstanceCredentials) {
    try {
      await this.#request('DELETE', `/instance/delete/${this.#name(instance)}`, {
        apiKey: this.#apiKey,
        retryOnTimeout: true,
      })
    } catch (error) {
      if (!(error instanceof GatewayRejectedError && error.reason === 'unknown_instance')) {
        throw error
      }
    }
  }

  async setWebhook(instance: InstanceCredentials, webhook: { url: string; secret: string }) {
    await this.#request('POST', `/webhook/set/${this.#name(instance)}`, {
      apiKey: instance.token,
      retryOnTimeout: true,
      body: {
        webhook: {
          enabled: true,
          url: webhook.url,
          headers: { authorization: `Bearer ${webhook.secret}` },
          byEvents: false,
          base64: true,
          events: WEBHOOK_EVENTS,
        },
      },
    })
  }

  async sendText(
    instance: InstanceCredentials,
    to: string,
    text: string,
    options: SendOptions = {}
  ): Promise<SentMessage> {
    const answer = await this.#request('POST', `/message/sendText/${this.#name(instance)}`, {
      apiKey: instance.token,
      body: { number: to, text, linkPreview: false, ...quoted(options) },
    })
    return this.#sent(answer)
  }

  async sendMedia(
    instance: InstanceCredentials,
    to: string,
    media: { kind: MediaKind; url: string; mimetype: string; fileName: string; caption?: string },
    options: SendOptions = {}
  ): Promise<SentMessage> {
    const answer = await this.#request('POST', `/message/sendMedia/${this.#name(instance)}`, {
      apiKey: instance.token,
      extraTimeoutMs: 30_000,
      body: {
        number: to,
        mediatype: media.kind,
        mimetype: media.mimetype,
        media: media.url,
        fileName: fileNameFor(media.fileName, media.mimetype),
        caption: media.caption ?? '',
        ...quoted(options),
      },
    })
    return this.#sent(answer)
  }

  async sendPresence(instance: InstanceCredentials, to: string, delayMs: number) {
    await this.#request('POST', `/chat/sendPresence/${this.#name(instance)}`, {
      apiKey: instance.token,
      extraTimeoutMs: delayMs,
      body: { number: to, presence: 'composing', delay: delayMs },
    })
  }

  async markRead(
    instance: InstanceCredentials,
    messages: { remoteJid: string; id: string; fromMe: boolean }[]
  ) {
    await this.#request('POST', `/chat/markMessageAsRead/${this.#name(instance)}`, {
      apiKey: instance.token,
      retryOnTimeout: true,
      body: { readMessages: messages },
    })
  }

  /**
   * With the whole message (key and content, wrappers included: the gateway
   * unwraps them); with the key alone it would need its own database.
   */
  async fetchMedia(instance: InstanceCredentials, source: Record<string, unknown>) {
    const answer = await this.#request(
      'POST',
      `/chat/getBase64FromMediaMessage/${this.#name(instance)}`,
      {
        apiKey: instance.token,
        retryOnTimeout: true,
        body: { message: source },
      }
    )
    const media = await this.#parse(mediaAnswerValidator, answer)
    return {
      base64: media.base64,
      mimetype: media.mimetype ?? null,
      fileName: media.fileName ?? null,
    }
  }

  parseWebhook(body: unknown) {
    return parseEvolutionWebhook(body)
  }

  #name(instance: InstanceCredentials) {
    return encodeURIComponent(instance.instanceName)
  }

  async #sent(answer: unknown): Promise<SentMessage> {
    const sent = await this.#parse(sendAnswerValidator, answer)
    return { id: sent.key.id, status: sent.status === 'PENDING' ? 'pending' : 'sent' }
  }

  async #parse<T>(validator: { validate(data: unknown): Promise<T> }, answer: unknown): Promise<T> {
    try {
      return await validator.validate(answer)
    } catch (error) {
      if (error instanceof vineErrors.E_VALIDATION_ERROR) {
        throw new GatewayOutcomeUnknownError('The WhatsApp gateway answered in an unexpected shape')
      }
      throw error
    }
  }

  async #request(method: string, path: string, options: RequestOptions): Promise<unknown> {
    let lastError: Error | undefined

    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      if (attempt > 0) {
        const backoff = this.#retryBaseMs * 2 ** (attempt - 1)
        await sleep(backoff + Math.floor(Math.random() * (backoff / 2)))
      }

      let response: Response
      try {
        response = await fetch(`${this.#url}${path}`, {
          method,
          headers: {
            'apikey': options.apiKey,
            'content-type': 'application/json',
            'accept': 'application/json',
          },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: AbortSignal.timeout(this.#timeoutMs + (options.extraTimeoutMs ?? 0)),
        })
      } catch (error) {
        const timedOut = (error as Error).name === 'TimeoutError'
        lastError = timedOut
          ? new GatewayOutcomeUnknownError('The WhatsApp gateway did not answer in time', {
              cause: error,
            })
          : new GatewayUnavailableError('The WhatsApp gateway is unreachable', { cause: error })
        if (timedOut && !options.retryOnTimeout) {
          break
        }
        logger.warn(
          { path, attempt },
          'whatsapp gateway request failed: %s',
          (error as Error).message
        )
        continue
      }

      const text = await response.text()
      const body = parseJson(text)

      if (response.status >= 500) {
        lastError = new GatewayUnavailableError(`The WhatsApp gateway failed (${response.status})`)
        logger.warn({ path, attempt, status: response.status }, 'whatsapp gateway answered 5xx')
        continue
      }
      if (response.status >= 400) {
        throw rejection(response.status, body)
      }
      return body
    }

    throw lastError ?? new GatewayUnavailableError('The WhatsApp gateway is unreachable')
  }
}

function quoted(options: SendOptions) {
  return options.quotedId ? { quoted: { key: { id: options.quotedId } } } : {}
}

/**
 * Extensions by mimetype, the usual one first. The gateway replaces the
 * mimetype we send with one guessed from the file name's extension (and
 * re-encodes images to JPEG): a name without the right one sends a photo
 * as a document, or a voice note as a file.
 */
const EXTENSIONS: Record<string, string[]> = {
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'image/webp': ['webp'],
  'image/gif': ['gif'],
  'video/mp4': ['mp4'],
  'video/3gpp': ['3gp'],
  'video/quicktime': ['mov'],
  'audio/ogg': ['ogg', 'opus'],
  'audio/mpeg': ['mp3'],
  'audio/mp4': ['m4a'],
  'audio/aac': ['aac'],
  'audio/amr': ['amr'],
  'application/pdf': ['pdf'],
  'application/msword': ['doc'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.ms-excel': ['xls'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/vnd.ms-powerpoint': ['ppt'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx'],
  'application/zip': ['zip'],
  'text/plain': ['txt'],
  'text/csv': ['csv'],
}

const KNOWN_EXTENSIONS = new Set(Object.values(EXTENSIONS).flat())

/**
 * The file name with an extension that matches its mimetype ("foto" with
 * image/png is "foto.png", "123.png" with image/jpeg "123.jpg"); a
 * mimetype we do not know leaves the name as it is.
 */
function fileNameFor(fileName: string, mimetype: string) {
  const extensions = EXTENSIONS[mimetype.split(';')[0].trim().toLowerCase()]
  if (!extensions) return fileName
  const dot = fileName.lastIndexOf('.')
  const extension = dot === -1 ? '' : fileName.slice(dot + 1).toLowerCase()
  if (extensions.includes(extension)) return fileName
  const base = KNOWN_EXTENSIONS.has(extension) ? fileName.slice(0, dot) : fileName
  return `${base || 'file'}.${extensions[0]}`
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null
  } catch {
    return null
  }
}

/**
 * What a 400 says when the instance's WhatsApp connection is down for a
 * while (Baileys closing, reconnecting or timing out): the gateway turns
 * every failure inside a send into a 400 ("Error: Connection Closed").
 */
const CONNECTION_DOWN = /connection (closed|lost|was lost|failure)|not open|reconnecting|timed out/i

/**
 * Reads the contract's error envelope:
 * {"status":404,"error":"Not Found","response":{"message":[...]}}
 *
 * A 400 whose text says the connection is down is "unavailable": the
 * message certainly did not go out and waits for the connection, as for a
 * 5xx. The number not on WhatsApp and the gateway's schema errors (a
 * nested array of texts) stay rejections.
 */
function rejection(status: number, body: unknown) {
  const response = (body as { response?: { message?: unknown } } | null)?.response
  const message = response?.message
  const parts = Array.isArray(message) ? message : [message]

  if (
    parts.some(
      (part) => part && typeof part === 'object' && (part as { exists?: boolean }).exists === false
    )
  ) {
    return new GatewayRejectedError('This number is not on WhatsApp', status, 'not_on_whatsapp')
  }

  const text = parts
    .map((part) => (typeof part === 'string' ? part : ''))
    .filter(Boolean)
    .join('; ')
    .slice(0, 300)

  if (status === 400 && CONNECTION_DOWN.test(text)) {
    return new GatewayUnavailableError(`The WhatsApp connection is down: ${text}`)
  }
  if (status === 401 || status === 403) {
    return new GatewayRejectedError(text || 'Unauthorized', status, 'unauthorized')
  }
  if (status === 404) {
    return new GatewayRejectedError(text || 'Unknown instance', status, 'unknown_instance')
  }
  return new GatewayRejectedError(text || `Rejected (${status})`, status)
}

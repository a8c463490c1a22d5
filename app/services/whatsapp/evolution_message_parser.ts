import { errors as vineErrors } from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'
import { InvalidWebhookError } from '#services/whatsapp/gateway_errors'
import { isGroupOrBroadcast, isLid, phoneFromJid } from '#services/whatsapp/jid'
import type {
  Chat,
  ConnectionState,
  GatewayEvent,
  MessageContent,
  ParsedWebhook,
} from '#services/whatsapp/whatsapp_gateway'
import {
  connectionUpdateValidator,
  envelopeValidator,
  messageUpdateValidator,
  qrcodeUpdateValidator,
  storedMessageValidator,
} from '#services/whatsapp/evolution_schemas'

type StoredMessage = Infer<typeof storedMessageValidator>

/**
 * Turns Evolution API v2 webhook deliveries into gateway events. NUL
 * characters are dropped from every text: PostgreSQL cannot store them and
 * no WhatsApp text needs them.
 */
export async function parseEvolutionWebhook(body: unknown): Promise<ParsedWebhook> {
  return withoutNul(await parseEnvelope(body))
}

async function parseEnvelope(body: unknown): Promise<ParsedWebhook> {
  const envelope = await validate(envelopeValidator, body)
  const event = envelope.event.toLowerCase().replaceAll('_', '.')

  switch (event) {
    case 'messages.upsert':
      return {
        instanceName: envelope.instance,
        events: [await messageEvent(envelope.data, 'message')],
      }
    case 'send.message':
      return {
        instanceName: envelope.instance,
        events: [await messageEvent(envelope.data, 'sent')],
      }
    case 'messages.update':
      return { instanceName: envelope.instance, events: await statusEvents(envelope.data) }
    case 'connection.update': {
      const data = await validate(connectionUpdateValidator, envelope.data)
      return {
        instanceName: envelope.instance,
        events: [
          {
            kind: 'connection',
            state: connectionStateOf(data.state),
            phone: data.wuid ? phoneFromJid(data.wuid) : null,
            profileName: data.profileName ?? null,
            reason: data.statusReason ?? null,
          },
        ],
      }
    }
    case 'qrcode.updated': {
      const data = await validate(qrcodeUpdateValidator, envelope.data)
      /**
       * At the QR limit the gateway sends one without a QR ("QR code limit
       * reached, please login again"); the "refused" connection update
       * that follows is what we show.
       */
      if (!data.qrcode) {
        return {
          instanceName: envelope.instance,
          events: [
            {
              kind: 'ignored',
              reason: `qrcode.updated without a QR: ${(data.message ?? '').slice(0, 200)}`,
            },
          ],
        }
      }
      return {
        instanceName: envelope.instance,
        events: [
          { kind: 'qr', qr: data.qrcode.base64, pairingCode: data.qrcode.pairingCode ?? null },
        ],
      }
    }
    default:
      return {
        instanceName: envelope.instance,
        events: [{ kind: 'ignored', reason: `event ${event}` }],
      }
  }
}

export function connectionStateOf(state: string): ConnectionState {
  switch (state) {
    case 'open':
      return 'open'
    case 'connecting':
      return 'connecting'
    case 'refused':
      return 'refused'
    default:
      return 'close'
  }
}

async function validate<T>(validator: { validate(data: unknown): Promise<T> }, data: unknown) {
  try {
    return await validator.validate(data)
  } catch (error) {
    if (error instanceof vineErrors.E_VALIDATION_ERROR) {
      const first = (error.messages as { field: string; message: string }[])[0]
      throw new InvalidWebhookError(`Invalid webhook: ${first?.field}: ${first?.message}`)
    }
    throw error
  }
}

async function messageEvent(data: unknown, kind: 'message' | 'sent'): Promise<GatewayEvent> {
  const stored = await validate(storedMessageValidator, data)
  const { key } = stored

  if (isGroupOrBroadcast(key.remoteJid) || key.participant) {
    return { kind: 'ignored', reason: 'group, broadcast or newsletter' }
  }

  const timestamp = timestampOf(stored.messageTimestamp)
  const content = contentOf(stored)

  if (kind === 'sent') {
    return { kind: 'sent', id: key.id, chat: chatOf(key), timestamp, content }
  }
  return {
    kind: 'message',
    id: key.id,
    fromMe: key.fromMe,
    chat: chatOf(key),
    pushName: stored.pushName ?? null,
    timestamp,
    content,
  }
}

/**
 * LID rule of the contract: reply to the phone JID when the gateway gives
 * one (remoteJidAlt, or remoteJid itself on 2.4.0 which swaps the two),
 * else keep the @lid JID.
 */
function chatOf(key: StoredMessage['key']): Chat {
  const primary = key.remoteJid
  const alt = key.remoteJidAlt ?? null

  if (isLid(primary)) {
    const phone = alt ? phoneFromJid(alt) : null
    return phone ? { jid: alt!, phone, lid: primary } : { jid: primary, phone: null, lid: primary }
  }
  return { jid: primary, phone: phoneFromJid(primary), lid: alt && isLid(alt) ? alt : null }
}

/**
 * The gateway's time in seconds, when it is one both JavaScript and
 * PostgreSQL can hold (after 1970, before the year 10000); else now.
 */
function timestampOf(seconds: number | undefined) {
  if (
    seconds === undefined ||
    !Number.isFinite(seconds) ||
    seconds <= 0 ||
    seconds >= 253_402_300_800
  ) {
    return new Date()
  }
  return new Date(seconds * 1000)
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

/**
 * A text that fits its column, or null when it is longer (a media type).
 */
function short(value: unknown, max: number): string | null {
  const found = text(value)
  return found !== null && found.length <= max ? found : null
}

/**
 * The same events with NUL characters removed from their texts (events are
 * small objects we built, never the raw delivery).
 */
function withoutNul<T>(value: T): T {
  if (typeof value === 'string') {
    return value.replaceAll('\u0000', '') as T
  }
  if (Array.isArray(value)) {
    return value.map(withoutNul) as T
  }
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [key, withoutNul(entry)])
    ) as T
  }
  return value
}

function record(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : null
}

const MEDIA_TYPES: Record<string, 'image' | 'video' | 'audio' | 'document' | 'sticker'> = {
  imageMessage: 'image',
  videoMessage: 'video',
  audioMessage: 'audio',
  documentMessage: 'document',
  documentWithCaptionMessage: 'document',
  stickerMessage: 'sticker',
}

function contentOf(stored: StoredMessage): MessageContent {
  const message = record(stored.message) ?? {}
  const type = stored.messageType ?? Object.keys(message)[0] ?? 'unknown'

  if (type === 'conversation' || type === 'extendedTextMessage') {
    const body = text(message.conversation) ?? text(record(message.extendedTextMessage)?.text)
    if (body !== null) {
      return { type: 'text', text: body }
    }
  }

  /**
   * Own keys only: the gateway's type may be "constructor" or "__proto__".
   */
  const mediaType = Object.hasOwn(MEDIA_TYPES, type) ? MEDIA_TYPES[type] : undefined
  if (mediaType) {
    let media = record(message[type])
    if (type === 'documentWithCaptionMessage') {
      media = record(record(record(media?.message)?.documentMessage))
    }
    return {
      type: mediaType,
      caption: text(media?.caption),
      mimetype: short(media?.mimetype, 100),
      fileName: text(media?.fileName)?.slice(0, 255) ?? null,
      base64: text(message.base64),
    }
  }

  if (type === 'locationMessage' || type === 'liveLocationMessage') {
    const location = record(message[type])
    const latitude = Number(location?.degreesLatitude)
    const longitude = Number(location?.degreesLongitude)
    if (Number.isFinite(latitude) && Number.isFinite(longitude)) {
      return { type: 'location', latitude, longitude, name: text(location?.name) }
    }
  }

  if (type === 'contactMessage' || type === 'contactsArrayMessage') {
    return { type: 'contact', displayName: text(record(message[type])?.displayName) }
  }

  if (type === 'reactionMessage') {
    const reaction = record(message.reactionMessage)
    return {
      type: 'reaction',
      emoji: text(reaction?.text) ?? '',
      targetId: text(record(reaction?.key)?.id),
    }
  }

  return { type: 'unsupported', gatewayType: type.slice(0, 60) }
}

async function statusEvents(data: unknown): Promise<GatewayEvent[]> {
  const update = await validate(messageUpdateValidator, data)
  const status = STATUS_MAP[update.status.toUpperCase()]
  if (!status) {
    return [{ kind: 'ignored', reason: `status ${update.status}` }]
  }
  return [{ kind: 'status', id: update.keyId, status }]
}

const STATUS_MAP: Record<string, 'pending' | 'sent' | 'delivered' | 'read' | 'failed'> = {
  ERROR: 'failed',
  PENDING: 'pending',
  SERVER_ACK: 'sent',
  DELIVERY_ACK: 'delivered',
  READ: 'read',
  PLAYED: 'read',
}

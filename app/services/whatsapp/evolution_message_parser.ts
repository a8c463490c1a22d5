import { createHash } from 'node:crypto'
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
  QuotedMessage,
  SharedContact,
} from '#services/whatsapp/whatsapp_gateway'
import { readVcard } from '#services/whatsapp/vcard'
import {
  connectionUpdateValidator,
  contactsValidator,
  deletedKeyValidator,
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
    case 'messages.edited':
      return {
        instanceName: envelope.instance,
        events: [protocolEvent(record(envelope.data), new Date())],
      }
    case 'messages.delete':
      return { instanceName: envelope.instance, events: [await deleteEvent(envelope.data)] }
    case 'contacts.upsert':
    case 'contacts.update':
      return { instanceName: envelope.instance, events: await contactEvents(envelope.data) }
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
  const outer = record(stored.message) ?? {}
  const message = unwrap(outer)
  const type = contentTypeOf(message) ?? stored.messageType ?? 'unknown'

  /**
   * Not messages of their own: a reaction changes the message it points
   * at; an edit or a delete for everyone (a protocol message, which the
   * gateway normally sends as messages.edited) changes its target.
   */
  if (type === 'reactionMessage') {
    return reactionEvent(key, record(message.reactionMessage), timestamp)
  }
  if (type === 'protocolMessage') {
    return protocolEvent(record(message.protocolMessage), timestamp)
  }

  const base64 = text(outer.base64)
  /**
   * The gateway's getBase64FromMediaMessage unwraps ephemeral, view-once
   * (not V2Extension) and document-with-caption wrappers: it is given the
   * media message already unwrapped.
   */
  const content = contentOf(message, type, base64, () => ({
    key: record(record(data)?.key) ?? key,
    message: withoutThumbnails({ [type]: message[type] }),
  }))
  const quoted = quotedOf(record(stored.contextInfo) ?? record(record(message[type])?.contextInfo))

  if (kind === 'sent') {
    return { kind: 'sent', id: key.id, chat: chatOf(key), timestamp, content, quoted }
  }
  return {
    kind: 'message',
    id: key.id,
    fromMe: key.fromMe,
    chat: chatOf(key),
    pushName: stored.pushName ?? null,
    timestamp,
    content,
    quoted,
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
 * Wrappers the gateway does not open (the contract's list, and those
 * Baileys' normalizeMessageContent opens): the message is inside.
 */
const WRAPPERS = [
  'ephemeralMessage',
  'viewOnceMessage',
  'viewOnceMessageV2',
  'viewOnceMessageV2Extension',
  'documentWithCaptionMessage',
  'editedMessage',
  'lottieStickerMessage',
  'associatedChildMessage',
]

function unwrap(message: Record<string, unknown>) {
  let current = message
  for (let depth = 0; depth < 5; depth++) {
    const wrapper = WRAPPERS.find((name) => record(record(current[name])?.message))
    if (!wrapper) break
    current = record(record(current[wrapper])!.message)!
  }
  return current
}

/**
 * Baileys' getContentType: the first key that is "conversation" or names a
 * message kind.
 */
function contentTypeOf(message: Record<string, unknown>) {
  return Object.keys(message).find(
    (name) =>
      (name === 'conversation' || name.endsWith('Message')) &&
      name !== 'senderKeyDistributionMessage' &&
      message[name] !== null &&
      message[name] !== undefined
  )
}

/**
 * The edit or delete for everyone of a protocol message (messages.edited,
 * or inside messages.upsert): its key is the target's, as the sender has it.
 */
function protocolEvent(protocol: Record<string, unknown> | null, fallbackTime: Date): GatewayEvent {
  const target = record(protocol?.key)
  const targetId = short(target?.id, 128)
  const remoteJid = text(target?.remoteJid)
  if (!protocol || !targetId) {
    return { kind: 'ignored', reason: 'protocol message without a target' }
  }
  if (remoteJid && isGroupOrBroadcast(remoteJid)) {
    return { kind: 'ignored', reason: 'group, broadcast or newsletter' }
  }
  const timestampMs = millisecondsOf(protocol.timestampMs)
  const timestamp = timestampMs === null ? fallbackTime : new Date(timestampMs)

  switch (protocol.type) {
    case 'REVOKE':
    case 0:
      return { kind: 'revoke', id: `revoke:${targetId}`, targetId, timestamp }
    case 'MESSAGE_EDIT':
    case 14: {
      const edited = unwrap(record(protocol.editedMessage) ?? {})
      const newText = snippetOf(edited, Number.POSITIVE_INFINITY)
      const version =
        timestampMs ??
        createHash('sha1')
          .update(newText ?? '')
          .digest('hex')
      return {
        kind: 'edit',
        id: `edit:${targetId}:${version}`,
        targetId,
        text: newText,
        timestamp,
      }
    }
    default:
      return { kind: 'ignored', reason: `protocol message ${String(protocol.type).slice(0, 40)}` }
  }
}

function reactionEvent(
  key: StoredMessage['key'],
  reaction: Record<string, unknown> | null,
  fallbackTime: Date
): GatewayEvent {
  const targetId = short(record(reaction?.key)?.id, 128)
  if (!targetId) {
    return { kind: 'ignored', reason: 'reaction without a target' }
  }
  const sentMs = millisecondsOf(reaction?.senderTimestampMs)
  return {
    kind: 'reaction',
    id: `reaction:${key.id}`,
    targetId,
    fromMe: key.fromMe,
    emoji: (text(reaction?.text) ?? '').slice(0, 32),
    timestamp: sentMs === null ? fallbackTime : new Date(sentMs),
  }
}

/**
 * The key of a message deleted for everyone (messages.delete).
 */
async function deleteEvent(data: unknown): Promise<GatewayEvent> {
  const { remoteJid, id } = await validate(deletedKeyValidator, data)
  if (remoteJid && isGroupOrBroadcast(remoteJid)) {
    return { kind: 'ignored', reason: 'group, broadcast or newsletter' }
  }
  return { kind: 'revoke', id: `revoke:${id}`, targetId: id, timestamp: new Date() }
}

/**
 * contacts.upsert and contacts.update: one contact (sent after a message,
 * named with the message's pushName: the customer's own WhatsApp name) or
 * an array of them (Baileys' contacts event, named with the owner's
 * address book or the JID's digits: only a fallback for a contact we know
 * no WhatsApp name of).
 */
async function contactEvents(data: unknown): Promise<GatewayEvent[]> {
  const named = !Array.isArray(data)
  const { contacts } = await validate(contactsValidator, {
    contacts: Array.isArray(data) ? data : [data],
  })
  return contacts.slice(0, 500).map((contact): GatewayEvent => {
    const jid = contact.remoteJid
    if (isGroupOrBroadcast(jid) || (!isLid(jid) && !phoneFromJid(jid))) {
      return { kind: 'ignored', reason: 'contact of a group or broadcast' }
    }
    const name = contact.pushName?.trim() || null
    const picture = contact.profilePicUrl ?? null
    return {
      kind: 'contact',
      chat: isLid(jid)
        ? { jid, phone: null, lid: jid }
        : { jid, phone: phoneFromJid(jid), lid: null },
      pushName: name && name !== jid.split('@')[0] ? name.slice(0, 200) : null,
      named,
      pictureUrl: picture && picture.startsWith('https://') ? picture : null,
    }
  })
}

/**
 * A reply's quoted message: its id and a short text of it.
 */
function quotedOf(context: Record<string, unknown> | null): QuotedMessage | null {
  const id = short(context?.stanzaId, 128)
  if (!id) return null
  const quoted = record(context?.quotedMessage)
  return { id, text: quoted ? snippetOf(unwrap(quoted), QUOTE_LENGTH) : null }
}

const QUOTE_LENGTH = 200

/**
 * The words of a message: its text, caption, chosen reply or place name.
 */
function snippetOf(message: Record<string, unknown>, max: number): string | null {
  const type = contentTypeOf(message)
  if (!type) return null
  const content = contentOf(message, type, null)
  const words =
    content.type === 'text'
      ? content.text
      : 'caption' in content
        ? content.caption
        : content.type === 'location'
          ? content.name
          : content.type === 'contact'
            ? (content.contacts[0]?.name ?? null)
            : null
  return words === null ? null : words.slice(0, max)
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
  ptvMessage: 'video',
  audioMessage: 'audio',
  documentMessage: 'document',
  stickerMessage: 'sticker',
}

/**
 * Interactive replies: the text the customer saw and chose, and its id.
 */
const CHOICES: Record<
  string,
  { kind: 'list' | 'button' | 'template'; text: string[]; id: string[] }
> = {
  listResponseMessage: {
    kind: 'list',
    text: ['title'],
    id: ['singleSelectReply', 'selectedRowId'],
  },
  buttonsResponseMessage: {
    kind: 'button',
    text: ['selectedDisplayText'],
    id: ['selectedButtonId'],
  },
  templateButtonReplyMessage: {
    kind: 'template',
    text: ['selectedDisplayText'],
    id: ['selectedId'],
  },
}

/**
 * The content of an unwrapped message of the given type. `base64` is the
 * file the gateway inlined (top-level media only); without it, media keeps
 * the gateway's whole message (`source`) to fetch the file with.
 */
function contentOf(
  message: Record<string, unknown>,
  type: string,
  base64: string | null,
  source?: () => Record<string, unknown>
): MessageContent {
  const inner = record(message[type])

  if (type === 'conversation' || type === 'extendedTextMessage') {
    const body = text(message.conversation) ?? text(inner?.text)
    if (body !== null) {
      return { type: 'text', text: body }
    }
  }

  /**
   * Own keys only: the gateway's type may be "constructor" or "__proto__".
   */
  if (Object.hasOwn(CHOICES, type)) {
    const { kind, text: textPath, id: idPath } = CHOICES[type]
    const id = short(at(inner, idPath), 300)
    const chosen = text(at(inner, textPath)) ?? id
    if (chosen !== null) {
      return { type: 'text', text: chosen, choice: { kind, id } }
    }
  }

  if (type === 'interactiveResponseMessage') {
    const flow = record(inner?.nativeFlowResponseMessage)
    const params = jsonObject(flow?.paramsJson)
    const id = short(params?.id, 300)
    const chosen = text(record(inner?.body)?.text) ?? text(params?.title) ?? id
    if (chosen !== null) {
      return { type: 'text', text: chosen, choice: { kind: 'interactive', id } }
    }
  }

  const mediaType = Object.hasOwn(MEDIA_TYPES, type) ? MEDIA_TYPES[type] : undefined
  if (mediaType) {
    const note =
      type === 'ptvMessage'
        ? 'round_video'
        : mediaType === 'audio' && inner?.ptt === true
          ? 'voice'
          : undefined
    return {
      type: mediaType,
      caption: text(inner?.caption),
      mimetype: short(inner?.mimetype, 100),
      fileName: text(inner?.fileName)?.slice(0, 255) ?? null,
      base64,
      source: source ? source() : null,
      ...(note ? { note } : {}),
      ...(secondsOf(inner?.seconds) ? { seconds: secondsOf(inner?.seconds)! } : {}),
    }
  }

  if (type === 'locationMessage' || type === 'liveLocationMessage') {
    const latitude = Number(inner?.degreesLatitude)
    const longitude = Number(inner?.degreesLongitude)
    if (
      Number.isFinite(latitude) &&
      Number.isFinite(longitude) &&
      Math.abs(latitude) <= 90 &&
      Math.abs(longitude) <= 180
    ) {
      const url = text(inner?.url)
      return {
        type: 'location',
        latitude,
        longitude,
        name: text(inner?.name)?.slice(0, 500) ?? null,
        address: text(inner?.address)?.slice(0, 500) ?? null,
        url: url && /^https?:\/\//.test(url) ? url.slice(0, 2000) : null,
        live: type === 'liveLocationMessage',
      }
    }
  }

  if (type === 'contactMessage') {
    return { type: 'contact', contacts: [sharedContact(inner)] }
  }
  if (type === 'contactsArrayMessage') {
    const cards = Array.isArray(inner?.contacts) ? inner.contacts : []
    return {
      type: 'contact',
      contacts: cards.slice(0, 50).map((card) => sharedContact(record(card))),
    }
  }

  return { type: 'unsupported', gatewayType: type.slice(0, 60) }
}

/**
 * A contact card's names and numbers, read from its vCard (the WhatsApp
 * number is TEL's waid parameter).
 */
function sharedContact(card: Record<string, unknown> | null): SharedContact {
  const displayName = text(card?.displayName)?.slice(0, 200) ?? null
  const vcard = text(card?.vcard)
  const read = vcard ? readVcard(vcard) : null
  return {
    name: displayName ?? read?.name ?? null,
    phones: read?.phones ?? [],
  }
}

function at(value: Record<string, unknown> | null, path: string[]): unknown {
  let current: unknown = value
  for (const step of path) current = record(current)?.[step]
  return current
}

function jsonObject(value: unknown): Record<string, unknown> | null {
  if (typeof value !== 'string' || value.length > 10_000) return null
  try {
    return record(JSON.parse(value))
  } catch {
    return null
  }
}

/**
 * Milliseconds as the gateway serialises them: a number, a numeric string
 * or a Long ({ low, high, unsigned }).
 */
function millisecondsOf(value: unknown): number | null {
  let ms: number | null = null
  if (typeof value === 'number') ms = value
  else if (typeof value === 'string' && /^\d{1,16}$/.test(value)) ms = Number(value)
  else {
    const long = record(value)
    if (long && typeof long.low === 'number' && typeof long.high === 'number') {
      ms = long.high * 2 ** 32 + (long.low >>> 0)
    }
  }
  return ms !== null && Number.isFinite(ms) && ms > 0 && ms < 253_402_300_800_000 ? ms : null
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

/**
 * The message without its preview thumbnails (bytes serialised as
 * {"0":n,...}, often tens of kilobytes): the gateway downloads the file
 * from the keys and paths beside them.
 */
function withoutThumbnails(value: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const kept: Record<string, unknown> = {}
  for (const [name, field] of Object.entries(value)) {
    if (name === 'jpegThumbnail' || name === 'thumbnailDirectPath') continue
    const nested = record(field)
    kept[name] = nested && depth < 6 ? withoutThumbnails(nested, depth + 1) : field
  }
  return kept
}

/**
 * An audio's or video's length in whole seconds, when WhatsApp gave a
 * sane one.
 */
function secondsOf(value: unknown) {
  const seconds = Number(value)
  return Number.isFinite(seconds) && seconds > 0 && seconds < 86_400 ? Math.round(seconds) : null
}

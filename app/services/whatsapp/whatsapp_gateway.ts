/**
 * Everything Atiende asks of WhatsApp, whatever serves it. A driver is one
 * class extending WhatsAppGateway: the Evolution API (Baileys) in
 * production, the simulator on one machine. The container resolves the one
 * chosen by WHATSAPP_DRIVER (providers/whatsapp_provider.ts).
 */

export type InstanceCredentials = { instanceName: string; token: string }

export type ConnectionState = 'open' | 'connecting' | 'close' | 'refused'

export type QrState = {
  state: ConnectionState
  /**
   * data:image/png;base64,... while waiting for a scan.
   */
  qr: string | null
  pairingCode: string | null
}

export type SentMessage = { id: string; status: 'pending' | 'sent' }

export type MediaKind = 'image' | 'video' | 'document' | 'audio'

export type SendOptions = {
  /**
   * The gateway id of a message in the chat to show this one as a reply to.
   */
  quotedId?: string
}

/**
 * A contact card: every name and number of a contactMessage or
 * contactsArrayMessage (`waid`: the number's WhatsApp id, digits).
 */
export type SharedContact = {
  name: string | null
  phones: { number: string; waid: string | null; label: string | null }[]
}

export type MessageContent =
  | {
      type: 'text'
      text: string
      /**
       * A list, button or template reply: what the customer chose (the text
       * is its title as they saw it).
       */
      choice?: { kind: 'list' | 'button' | 'template' | 'interactive'; id: string | null }
    }
  | {
      type: 'image' | 'video' | 'audio' | 'document' | 'sticker'
      caption: string | null
      mimetype: string | null
      fileName: string | null
      /**
       * Raw bytes as sent by the gateway (webhook base64), when available.
       */
      base64: string | null
      /**
       * Inlined bytes too big to keep in memory: decoded to a temporary
       * file while the delivery was read (instead of `base64`).
       */
      file?: { path: string; bytes: number; truncated: boolean } | null
      /**
       * When the bytes did not come inline: the gateway's message, as it
       * must be given back to fetch them (GatewayClient#fetchMedia).
       */
      source: Record<string, unknown> | null
      /**
       * A round video note (ptvMessage), a voice note (audio with ptt).
       */
      note?: 'round_video' | 'voice'
      /**
       * An audio's or video's length as WhatsApp gives it.
       */
      seconds?: number
    }
  | {
      type: 'location'
      latitude: number
      longitude: number
      name: string | null
      address: string | null
      url: string | null
      live: boolean
    }
  | { type: 'contact'; contacts: SharedContact[] }
  | { type: 'unsupported'; gatewayType: string }

/**
 * What a message replies to: the quoted message's gateway id and a short
 * text of it (as the sender's phone had it), when the delivery carries one.
 */
export type QuotedMessage = { id: string; text: string | null }

export type Chat = {
  /**
   * The JID replies go to.
   */
  jid: string
  phone: string | null
  lid: string | null
}

export type GatewayEvent =
  | {
      kind: 'message'
      id: string
      fromMe: boolean
      chat: Chat
      pushName: string | null
      timestamp: Date
      content: MessageContent
      quoted: QuotedMessage | null
    }
  | {
      kind: 'sent'
      id: string
      chat: Chat
      timestamp: Date
      content: MessageContent
      quoted: QuotedMessage | null
    }
  | { kind: 'status'; id: string; status: 'pending' | 'sent' | 'delivered' | 'read' | 'failed' }
  /**
   * Changes to a message already written, by its author (edit, delete for
   * everyone) or by either side (a reaction; an empty emoji removes it).
   * `targetId` is the gateway id of the message changed; `id` identifies
   * the change itself, the same on every redelivery.
   */
  | { kind: 'edit'; id: string; targetId: string; text: string | null; timestamp: Date }
  | { kind: 'revoke'; id: string; targetId: string; timestamp: Date }
  | {
      kind: 'reaction'
      id: string
      targetId: string
      fromMe: boolean
      emoji: string
      timestamp: Date
    }
  /**
   * The WhatsApp name and picture the gateway learnt of a chat. `named`:
   * the name is the one the customer gave WhatsApp (after a message);
   * otherwise it is the phone's address book, only a fallback.
   */
  | {
      kind: 'contact'
      chat: Chat
      pushName: string | null
      named: boolean
      pictureUrl: string | null
    }
  | {
      kind: 'connection'
      state: ConnectionState
      phone: string | null
      profileName: string | null
      reason: number | null
    }
  | { kind: 'qr'; qr: string; pairingCode: string | null }
  | { kind: 'ignored'; reason: string }

export type ParsedWebhook = { instanceName: string; events: GatewayEvent[] }

export abstract class WhatsAppGateway {
  abstract readonly driver: 'evolution' | 'simulator'

  /**
   * Creates the instance with its webhook, answering the first QR when the
   * gateway has one already.
   */
  abstract createInstance(params: {
    instanceName: string
    token: string
    webhookUrl: string
    webhookSecret: string
  }): Promise<QrState>

  abstract connect(instance: InstanceCredentials): Promise<QrState>
  abstract connectionState(instance: InstanceCredentials): Promise<ConnectionState>
  abstract logout(instance: InstanceCredentials): Promise<void>
  abstract deleteInstance(instance: InstanceCredentials): Promise<void>

  /**
   * Points an existing instance's webhook at us again, with every event
   * Atiende handles and the instance's secret: an instance created before
   * an event was added never sends it otherwise.
   */
  abstract setWebhook(
    instance: InstanceCredentials,
    webhook: { url: string; secret: string }
  ): Promise<void>

  abstract sendText(
    instance: InstanceCredentials,
    to: string,
    text: string,
    options?: SendOptions
  ): Promise<SentMessage>
  abstract sendMedia(
    instance: InstanceCredentials,
    to: string,
    media: { kind: MediaKind; url: string; mimetype: string; fileName: string; caption?: string },
    options?: SendOptions
  ): Promise<SentMessage>
  abstract sendPresence(instance: InstanceCredentials, to: string, delayMs: number): Promise<void>
  abstract markRead(
    instance: InstanceCredentials,
    messages: { remoteJid: string; id: string; fromMe: boolean }[]
  ): Promise<void>
  /**
   * The bytes of a media message the gateway did not inline, from the
   * message's `source` as the webhook gave it.
   */
  abstract fetchMedia(
    instance: InstanceCredentials,
    source: Record<string, unknown>
  ): Promise<{ base64: string; mimetype: string | null; fileName: string | null }>

  /**
   * Reads a webhook body into events. Throws InvalidWebhookError when the
   * body is not a delivery this gateway would send.
   */
  abstract parseWebhook(body: unknown): Promise<ParsedWebhook>
}

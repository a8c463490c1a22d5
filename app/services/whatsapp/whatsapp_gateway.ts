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

export type MessageContent =
  | { type: 'text'; text: string }
  | {
      type: 'image' | 'video' | 'audio' | 'document' | 'sticker'
      caption: string | null
      mimetype: string | null
      fileName: string | null
      /**
       * Raw bytes as sent by the gateway (webhook base64), when available.
       */
      base64: string | null
    }
  | { type: 'location'; latitude: number; longitude: number; name: string | null }
  | { type: 'contact'; displayName: string | null }
  | { type: 'reaction'; emoji: string; targetId: string | null }
  | { type: 'unsupported'; gatewayType: string }

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
    }
  | { kind: 'sent'; id: string; chat: Chat; timestamp: Date; content: MessageContent }
  | { kind: 'status'; id: string; status: 'pending' | 'sent' | 'delivered' | 'read' | 'failed' }
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
  abstract fetchMedia(
    instance: InstanceCredentials,
    messageId: string
  ): Promise<{ base64: string; mimetype: string | null; fileName: string | null }>

  /**
   * Reads a webhook body into events. Throws InvalidWebhookError when the
   * body is not a delivery this gateway would send.
   */
  abstract parseWebhook(body: unknown): Promise<ParsedWebhook>
}

import { inject } from '@adonisjs/core'
import emitter from '@adonisjs/core/services/emitter'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { DateTime } from 'luxon'
import Message, {
  messageColumnsSql,
  type MessageAuthor,
  type MessageDirection,
  type MessageStatus,
  type MessageType,
  type MediaStatus,
} from '#models/message'
import WhatsappInstance from '#models/whatsapp_instance'
import type { WebhookInstance } from '#services/whatsapp/webhook_instances'
import MessageTransformer from '#transformers/message_transformer'
import WhatsappInstanceTransformer from '#transformers/whatsapp_instance_transformer'
import { BusinessEvents } from '#services/business_events'
import { serialize } from '#services/serializer'
import { namedForKnex, positional, preparedQuery } from '#services/sql'
import type { GatewayEvent, MessageContent } from '#services/whatsapp/whatsapp_gateway'
import { findOrCreateConversation } from '#actions/whatsapp/conversations'
import BotControl from '#actions/conversations/bot_control'
import Business from '#models/business'
import Conversation from '#models/conversation'
import ContactTransformer from '#transformers/contact_transformer'
import MediaStorage from '#services/media_storage'
import AmendMessages from '#actions/whatsapp/amend_messages'
import { equivalentDigits } from '#services/whatsapp/phone_numbers'
import { JobQueue } from '#services/queue/job_queue'

type MessageEvent = Extract<GatewayEvent, { kind: 'message' | 'sent' }>

/**
 * The business's bot settings, read in the same statement as the message
 * was stored.
 */
type BotSettings = { botEnabled: boolean; replyDelaySeconds: number }

type Appended = { message: Message; conversationId: string; business: BotSettings }

/**
 * Stores what the gateway reports, once: messages (deduplicated by the
 * gateway's message id with a unique index, never read-then-write),
 * delivery statuses, the connection state and QR codes. Then tells the web
 * app live and, for a customer's message, the agent.
 *
 * It never calls the gateway or the model: a webhook is answered as soon as
 * this is stored (a file the gateway did not inline is fetched by a job).
 */
@inject()
export default class IngestGatewayEvents {
  constructor(
    private events: BusinessEvents,
    private botControl: BotControl,
    private storage: MediaStorage,
    private amend: AmendMessages,
    private queue: JobQueue
  ) {}

  async handle(instance: WebhookInstance, gatewayEvents: GatewayEvent[]) {
    for (const event of gatewayEvents) {
      switch (event.kind) {
        case 'message':
        case 'sent':
          await this.#message(instance, event)
          break
        case 'status':
          await this.#status(instance, event.id, event.status)
          break
        case 'edit':
        case 'revoke':
        case 'reaction':
          await this.amend.record(instance.businessId, event)
          break
        case 'contact':
          await this.#contact(instance, event)
          break
        case 'connection':
          await this.#connection(await this.#model(instance), event)
          break
        case 'qr':
          await this.#qr(await this.#model(instance), event.qr)
          break
        case 'ignored':
          logger.debug({ instance: instance.instanceName, reason: event.reason }, 'webhook ignored')
          break
      }
    }
  }

  /**
   * The instance's row, for the events that change it.
   */
  async #model(instance: WebhookInstance) {
    return instance instanceof WhatsappInstance
      ? instance
      : await Business.reference(instance.businessId)
          .related('whatsappInstance')
          .query()
          .where('id', instance.id)
          .firstOrFail()
  }

  async #message(instance: WebhookInstance, event: MessageEvent) {
    const fromBusiness = event.kind === 'sent' || event.fromMe
    const direction: MessageDirection = fromBusiness ? 'outbound' : 'inbound'
    /**
     * fromMe in messages.upsert: a person typed on the paired phone.
     * send.message we did not log ourselves: another API client (a person).
     */
    const author: MessageAuthor = fromBusiness ? 'human' : 'customer'

    if (fromBusiness) {
      const ours = await this.#settleOwnSend(instance, event)
      if (ours) {
        this.events.broadcast(instance.businessId, {
          type: 'message.updated',
          conversationId: ours.conversationId,
          message: new MessageTransformer(ours).toObject(),
        })
        return
      }
    }

    /**
     * Media bytes go to storage before the transaction (no I/O while it is
     * open); a repeated delivery overwrites the same file.
     */
    const storedFile = await this.#storeMedia(instance, event)
    const media = storedFile === 'too_large' ? null : storedFile
    const file = fileColumns(event.content, storedFile)

    if (event.kind === 'message' && !event.fromMe && !media) {
      const appended = await this.#appendToOpenConversation(instance, event, file)
      if (appended === 'duplicate') return
      if (appended) {
        if (appended.amended) await this.amend.apply(instance.businessId, event.id)
        await this.#fetchLater(appended.message)
        return this.#announce(instance, appended, direction, author)
      }
    }

    const stored = await db.transaction(async (trx) => {
      if (event.kind === 'sent') {
        const known = await this.#advanceStatus(trx, instance.businessId, event.id, 'sent')
        if (known) {
          return null
        }
      }

      const conversation = await findOrCreateConversation(trx, {
        businessId: instance.businessId,
        chat: event.chat,
        pushName: event.kind === 'message' && !event.fromMe ? event.pushName : null,
      })

      const columns = messageColumns(event.content)
      const statement = namedForKnex(
        `INSERT INTO messages (business_id, conversation_id, direction, author, type, body,
           media_mime, media_name, media_key, media_status, media_source, meta,
           quoted_gateway_id, quoted_text, gateway_message_id, status, sent_at, created_at,
           updated_at)
         VALUES (:businessId, :conversationId, :direction, :author, :type, :body, :mediaMime,
           :mediaName, :mediaKey, :mediaStatus, :mediaSource, :meta, CAST(:quotedId AS text),
           ${QUOTED_TEXT_SQL}, :gatewayId, :status, :sentAt, now(), now())
         ON CONFLICT (business_id, gateway_message_id) WHERE gateway_message_id IS NOT NULL
         DO NOTHING
         RETURNING ${messageColumnsSql()}, ${AMENDED_SQL} AS amended`,
        {
          businessId: instance.businessId,
          conversationId: conversation.id,
          direction,
          author,
          type: columns.type,
          body: columns.body,
          mediaMime: media?.contentType ?? columns.mediaMime,
          mediaName: columns.mediaName,
          mediaKey: media?.key ?? null,
          mediaStatus: file.mediaStatus,
          mediaSource: file.mediaSource,
          meta: columns.meta ? JSON.stringify(columns.meta) : null,
          quotedId: event.quoted?.id ?? null,
          quotedText: event.quoted?.text ?? null,
          gatewayId: event.id,
          status: fromBusiness ? 'sent' : 'received',
          sentAt: event.timestamp.toISOString(),
        }
      )
      const inserted = await trx.rawQuery(statement.text, statement.values)
      if (inserted.rows.length === 0) {
        return null
      }
      const { amended, ...row } = inserted.rows[0]

      conversation.useTransaction(trx)
      conversation.noteLastMessage({
        at: DateTime.fromJSDate(event.timestamp),
        text: columns.body ?? `[${columns.type}]`,
        direction,
      })
      await conversation.save()

      /**
       * Typed on the paired phone: a person took over this conversation.
       */
      if (event.kind === 'message' && event.fromMe) {
        const business = await Business.findOrFail(instance.businessId, { client: trx })
        await this.botControl.takeOver(business, conversation, trx)
      }

      return { message: Message.$createFromAdapterResult(row)!, conversation, amended }
    })

    if (!stored) {
      return
    }
    if (stored.amended) {
      await this.amend.apply(instance.businessId, event.id)
    }
    await this.#fetchLater(stored.message)
    if (event.kind === 'message' && event.fromMe) {
      this.botControl.changed(stored.conversation)
    }
    await this.#announce(
      instance,
      { message: stored.message, conversationId: stored.conversation.id },
      direction,
      author
    )
  }

  /**
   * The gateway's report of a message from the business side whose id we
   * do not know yet may be our own send: its `send.message` can arrive
   * before the HTTP answer of the send (or after that answer's bookkeeping
   * failed). The message we are sending to this chat with the same content
   * and no gateway id (claimed by SendWhatsappMessage#deliver) takes the id,
   * as sent, instead of a copy written by a "person" (a copy would show
   * twice and stop the bot). `send.message` also settles a send that
   * timed out or whose claim went stale (failed, "did not answer") in the
   * last while; a fromMe messages.upsert (the phone) only a send in flight.
   * Anything else is a person writing: the general path stores it.
   */
  async #settleOwnSend(instance: WebhookInstance, event: MessageEvent) {
    const { chat } = event
    const columns = messageColumns(event.content)
    const contact = [
      'contacts.wa_jid = :jid',
      chat.phone ? 'contacts.phone IN (:phones)' : null,
      chat.lid ? 'contacts.lid = :lid OR contacts.wa_jid = :lid' : null,
    ].filter(Boolean)
    const statement = namedForKnex(
      `UPDATE messages SET gateway_message_id = :gatewayId, status = 'sent', error = NULL,
         updated_at = now()
       WHERE messages.gateway_message_id IS NULL AND messages.id = (
         SELECT candidate.id FROM messages candidate
         JOIN conversations ON conversations.id = candidate.conversation_id
         JOIN contacts ON contacts.id = conversations.contact_id
         WHERE candidate.business_id = :businessId AND candidate.direction = 'outbound'
           AND candidate.gateway_message_id IS NULL AND (${contact.join(' OR ')})
           AND candidate.type = :type AND candidate.body IS NOT DISTINCT FROM CAST(:body AS text)
           AND (
             (candidate.status IN ('pending', 'queued') AND candidate.sending_at IS NOT NULL)
             OR (CAST(:settlesFailed AS boolean) AND candidate.status = 'failed'
               AND candidate.error = 'gateway_unavailable'
               AND candidate.updated_at > now() - interval '${LATE_REPORT_MINUTES} minutes')
           )
           AND NOT EXISTS (SELECT 1 FROM messages known
             WHERE known.business_id = :businessId AND known.gateway_message_id = :gatewayId)
         ORDER BY candidate.sending_at NULLS LAST, candidate.created_at
         LIMIT 1
         FOR UPDATE OF candidate
       )
       RETURNING ${messageColumnsSql()}`,
      {
        businessId: instance.businessId,
        gatewayId: event.id,
        jid: chat.jid,
        phones: chat.phone ? equivalentDigits(chat.phone) : null,
        lid: chat.lid,
        type: columns.type,
        body: columns.body || null,
        settlesFailed: event.kind === 'sent',
      }
    )
    try {
      const settled = await db.rawQuery(statement.text, statement.values)
      const [row] = settled.rows
      return row ? Message.$createFromAdapterResult(row)! : null
    } catch (error) {
      /**
       * The same report delivered twice at once gave its id to another
       * message of ours being sent with the same text: the first delivery
       * settled it, the general path finds it.
       */
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return null
      throw error
    }
  }

  /**
   * The usual delivery in one statement: a customer we know, with nothing
   * new to learn about them (same WhatsApp name, no other contact sharing
   * their number), writes into their open conversation. The message is
   * stored and the conversation notes it (under the conversation's row
   * lock, as the general path does) without a transaction of several
   * round trips.
   *
   * Answers the stored message, 'duplicate' for a delivery already stored,
   * or null when the delivery needs the general path (a new customer, a
   * resolved conversation, a changed name or number).
   */
  async #appendToOpenConversation(
    instance: WebhookInstance,
    event: Extract<GatewayEvent, { kind: 'message' }>,
    file: FileColumns
  ): Promise<(Appended & { amended: boolean }) | 'duplicate' | null> {
    const { chat, pushName } = event
    const sharing = [
      chat.phone ? 'other.phone = ANY(:phones)' : null,
      chat.lid ? 'other.lid = :lid OR other.wa_jid = :lid' : null,
    ].filter(Boolean)
    const columns = messageColumns(event.content)
    const statement = positional(
      `WITH target AS (
         SELECT conversations.id, businesses.bot_enabled, businesses.reply_delay_seconds
         FROM contacts
         JOIN conversations ON conversations.business_id = contacts.business_id
           AND conversations.contact_id = contacts.id AND conversations.status = 'open'
         JOIN businesses ON businesses.id = contacts.business_id
         WHERE contacts.business_id = :businessId AND contacts.wa_jid = :jid
           ${chat.phone ? 'AND contacts.phone IS NOT NULL' : ''}
           ${chat.lid ? 'AND contacts.lid IS NOT NULL' : ''}
           ${pushName ? 'AND contacts.push_name = :pushName' : ''}
           ${
             sharing.length > 0
               ? `AND NOT EXISTS (SELECT 1 FROM contacts other
                    WHERE other.business_id = contacts.business_id AND other.id <> contacts.id
                      AND (${sharing.join(' OR ')}))`
               : ''
           }
         FOR UPDATE OF conversations
       ),
       inserted AS (
         INSERT INTO messages (business_id, conversation_id, direction, author, type, body,
           media_mime, media_name, media_status, media_source, meta, quoted_gateway_id,
           quoted_text, gateway_message_id, status, sent_at, created_at, updated_at)
         SELECT :businessId, target.id, 'inbound', 'customer', :type, :body, :mediaMime,
           :mediaName, :mediaStatus, CAST(:mediaSource AS jsonb), :meta,
           CAST(:quotedId AS text), ${QUOTED_TEXT_SQL}, :gatewayId, 'received', :sentAt,
           now(), now()
         FROM target
         ON CONFLICT (business_id, gateway_message_id) WHERE gateway_message_id IS NOT NULL
         DO NOTHING
         RETURNING ${messageColumnsSql()}, ${AMENDED_SQL} AS amended
       ),
       -- Conversation#noteLastMessage() in SQL: keep the two in step (the
       -- latest only moves forward; at the same time, the last to arrive).
       noted AS (
         UPDATE conversations
         SET last_message_at = GREATEST(last_message_at, inserted.sent_at),
           last_message_preview = CASE WHEN ${FORWARD_SQL} THEN :preview
             ELSE last_message_preview END,
           last_message_direction = CASE WHEN ${FORWARD_SQL} THEN 'inbound'
             ELSE last_message_direction END,
           unread_count = unread_count + 1,
           updated_at = now()
         FROM inserted
         WHERE conversations.id = inserted.conversation_id
       )
       SELECT target.id AS target_conversation_id, target.bot_enabled AS target_bot_enabled,
         target.reply_delay_seconds AS target_reply_delay_seconds, inserted.*
       FROM (SELECT 1) AS one
       LEFT JOIN target ON true
       LEFT JOIN inserted ON true`,
      {
        businessId: instance.businessId,
        jid: chat.jid,
        phones: chat.phone ? equivalentDigits(chat.phone) : [],
        lid: chat.lid,
        pushName,
        type: columns.type,
        body: columns.body,
        mediaMime: columns.mediaMime,
        mediaName: columns.mediaName,
        mediaStatus: file.mediaStatus,
        mediaSource: file.mediaSource,
        meta: columns.meta ? JSON.stringify(columns.meta) : null,
        quotedId: event.quoted?.id ?? null,
        quotedText: event.quoted?.text ?? null,
        gatewayId: event.id,
        sentAt: event.timestamp.toISOString(),
        preview: Conversation.preview(columns.body ?? `[${columns.type}]`),
      }
    )
    const [row] = await preparedQuery(statement.text, statement.values)
    const {
      target_conversation_id: conversationId,
      target_bot_enabled: botEnabled,
      target_reply_delay_seconds: replyDelaySeconds,
      amended,
      ...message
    } = row
    if (!conversationId) return null
    if (!message.id) return 'duplicate'
    return {
      message: Message.$createFromAdapterResult(message)!,
      conversationId,
      business: { botEnabled, replyDelaySeconds },
      amended,
    }
  }

  /**
   * A stored message: live to the web app, then to whoever listens (the
   * agent's scheduler).
   */
  async #announce(
    instance: WebhookInstance,
    stored: Appended | Omit<Appended, 'business'>,
    direction: MessageDirection,
    author: MessageAuthor
  ) {
    /**
     * toObject() directly: a message has nothing to resolve, and
     * MessageTransformer.transform() captures a stack trace per call.
     */
    const payload = new MessageTransformer(stored.message).toObject()
    this.events.broadcast(instance.businessId, {
      type: 'message.created',
      conversationId: stored.conversationId,
      message: payload,
    })

    await emitter.emit('whatsapp:message_stored', {
      businessId: instance.businessId,
      conversationId: stored.conversationId,
      messageId: stored.message.id,
      type: stored.message.type,
      direction,
      author,
      business: 'business' in stored ? stored.business : undefined,
    })
  }

  /**
   * A file the gateway did not inline is fetched by a job. The message is
   * stored either way: a job that cannot be scheduled leaves it
   * "downloading", and a person can ask again.
   */
  async #fetchLater(message: Message) {
    if (message.mediaStatus !== 'downloading') return
    try {
      await this.queue.scheduleMediaFetch(message.id)
    } catch (error) {
      logger.error({ err: error, messageId: message.id }, 'could not schedule a media fetch')
    }
  }

  async #storeMedia(instance: WebhookInstance, event: MessageEvent) {
    const content = event.content
    if (!('base64' in content) || (!content.base64 && !content.file)) return null
    const known = await Business.reference(instance.businessId)
      .related('messages')
      .query()
      .where('gateway_message_id', event.id)
      .select('id')
      .first()
    if (known) return null
    try {
      const target = {
        businessId: instance.businessId,
        gatewayMessageId: event.id,
        mimetype: content.mimetype,
      }
      const stored = content.file
        ? await this.storage.storeMessageMediaFile(content.file, target)
        : await this.storage.storeMessageMedia(Buffer.from(content.base64!, 'base64'), target)
      return stored ?? ('too_large' as const)
    } catch (error) {
      logger.error({ err: error, instance: instance.instanceName }, 'could not store message media')
      return null
    }
  }

  /**
   * The WhatsApp picture and name the gateway learnt of a customer we know
   * (never a new contact). A name from the owner's address book fills a
   * missing WhatsApp name, never replaces one.
   */
  async #contact(instance: WebhookInstance, event: Extract<GatewayEvent, { kind: 'contact' }>) {
    if (!event.pushName && !event.pictureUrl) return
    const { chat } = event
    const contacts = await Business.reference(instance.businessId)
      .related('contacts')
      .query()
      .where((query) => {
        query.where('wa_jid', chat.jid).orWhere('lid', chat.jid)
        if (chat.phone) query.orWhereIn('phone', equivalentDigits(chat.phone))
      })
      .limit(5)
    for (const contact of contacts) {
      if (event.pictureUrl) contact.pictureUrl = event.pictureUrl
      if (event.pushName && (event.named || !contact.pushName)) contact.pushName = event.pushName
      if (!contact.$isDirty) continue
      await contact.save()
      this.events.broadcast(instance.businessId, {
        type: 'contact.updated',
        contact: new ContactTransformer(contact).withNotes(),
      })
    }
  }

  async #status(instance: WebhookInstance, gatewayMessageId: string, status: MessageStatus) {
    const updated = await db.transaction((trx) =>
      this.#advanceStatus(trx, instance.businessId, gatewayMessageId, status)
    )
    if (updated) {
      const payload = await serialize(MessageTransformer.transform(updated))
      this.events.broadcast(instance.businessId, {
        type: 'message.updated',
        conversationId: updated.conversationId,
        message: payload,
      })
    }
  }

  /**
   * Moves a message's status forward only (a late "delivered" never
   * overwrites "read"). Answers the message when it exists.
   */
  async #advanceStatus(
    trx: TransactionClientContract,
    businessId: string,
    gatewayMessageId: string,
    status: MessageStatus
  ) {
    const message = await Business.reference(businessId, trx)
      .related('messages')
      .query()
      .where('gateway_message_id', gatewayMessageId)
      .forUpdate()
      .first()
    if (!message) {
      return null
    }
    if (STATUS_RANK[status] > STATUS_RANK[message.status]) {
      message.status = status
      if (status !== 'failed') {
        message.error = null
      }
      await message.save()
    }
    return message
  }

  async #connection(
    instance: WhatsappInstance,
    event: Extract<GatewayEvent, { kind: 'connection' }>
  ) {
    if (event.state === 'open') {
      instance.status = 'open'
      instance.phone = event.phone ?? instance.phone
      instance.profileName = event.profileName ?? instance.profileName
      instance.lastConnectionAt = DateTime.now()
      instance.qrCode = null
      instance.lastError = null
    } else if (event.state === 'refused') {
      instance.status = 'refused'
      instance.qrCode = null
    } else if (event.state === 'close') {
      instance.status = 'closed'
      instance.lastError = event.reason ? `closed (${event.reason})` : null
    } else if (instance.status === 'open') {
      /**
       * "connecting" after "open": the connection dropped and the gateway
       * is reconnecting by itself (while waiting for a scan, "connecting"
       * changes nothing we show). The next "open" ends it.
       */
      instance.status = 'reconnecting'
    } else {
      return
    }
    await instance.save()
    this.#instanceChanged(instance)
  }

  async #qr(instance: WhatsappInstance, qr: string) {
    if (instance.status === 'open') {
      return
    }
    instance.status = 'pending_qr'
    instance.qrCode = qr
    instance.qrUpdatedAt = DateTime.now()
    await instance.save()
    this.#instanceChanged(instance, true)
  }

  #instanceChanged(instance: WhatsappInstance, withQr = false) {
    const transformer = new WhatsappInstanceTransformer(instance)
    this.events.broadcast(instance.businessId, {
      type: 'whatsapp.updated',
      instance: withQr ? transformer.withQr() : transformer.toObject(),
    })
  }
}

/**
 * How long after a send failed with no answer (or its claim went stale)
 * the gateway's `send.message` still settles it as sent: the gateway
 * retries a webhook delivery up to 10 times, 5 s to 300 s apart (about 25
 * minutes in all).
 */
const LATE_REPORT_MINUTES = 30

const UNIQUE_VIOLATION = '23505'

const STATUS_RANK: Record<MessageStatus, number> = {
  received: 0,
  pending: 0,
  queued: 0,
  failed: 1,
  sent: 2,
  delivered: 3,
  read: 4,
}

/**
 * The quoted message's text: the sender's copy, else ours; none when the
 * quoted message was deleted for everyone (its delete may have come
 * first).
 */
const QUOTED_TEXT_SQL = `CASE
  WHEN CAST(:quotedId AS text) IS NULL THEN NULL
  WHEN EXISTS (SELECT 1 FROM message_amendments revoked
    WHERE revoked.business_id = :businessId AND revoked.dedupe_key = 'revoke:' || CAST(:quotedId AS text))
    THEN NULL
  ELSE coalesce(CAST(:quotedText AS text), (SELECT left(quoted.body, 200) FROM messages quoted
    WHERE quoted.business_id = :businessId AND quoted.gateway_message_id = CAST(:quotedId AS text)))
  END`

/**
 * Whether the message just stored is the conversation's latest (its SET
 * sees the row before the update).
 */
const FORWARD_SQL = `(conversations.last_message_at IS NULL
  OR conversations.last_message_at <= inserted.sent_at)`

/**
 * Whether edits, a delete or reactions wait for the message just stored.
 */
const AMENDED_SQL = `EXISTS (SELECT 1 FROM message_amendments waiting
  WHERE waiting.business_id = :businessId AND waiting.target_gateway_id = :gatewayId)`

/**
 * A message's columns. `body` is what the inbox shows and search finds:
 * the text, a caption, a place's name and address, the names on a
 * contact card; `meta` what else a page needs to draw it.
 */
function messageColumns(content: MessageContent) {
  const none = { mediaMime: null, mediaName: null }
  switch (content.type) {
    case 'text':
      return {
        type: 'text',
        body: content.text,
        ...none,
        meta: content.choice ? { choice: content.choice } : null,
      }
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      return {
        type: content.type,
        body: content.caption,
        mediaMime: content.mimetype,
        mediaName: content.fileName,
        meta: mediaMeta(content),
      }
    case 'location': {
      const { type, ...place } = content
      return {
        type,
        body: [content.name, content.address].filter(Boolean).join(' — ') || null,
        ...none,
        meta: place,
      }
    }
    case 'contact':
      return {
        type: 'contact',
        body:
          content.contacts
            .map((contact) => contact.name)
            .filter(Boolean)
            .join(', ') || null,
        ...none,
        meta: { contacts: content.contacts },
      }
    case 'unsupported':
      return {
        type: 'unsupported',
        body: null,
        ...none,
        meta: { gatewayType: content.gatewayType },
      }
  }
}

type FileColumns = { mediaStatus: MediaStatus | null; mediaSource: string | null }

/**
 * Where a media message's file stands: stored, over our cap, or to be
 * fetched from the gateway with the message it gave (a delivery repeated
 * after the file was stored does not get here: it is a duplicate).
 */
function fileColumns(
  content: MessageContent,
  stored: { key: string } | 'too_large' | null
): FileColumns {
  if (!('source' in content)) return { mediaStatus: null, mediaSource: null }
  if (stored === 'too_large') return { mediaStatus: 'too_large', mediaSource: null }
  if (stored) return { mediaStatus: 'ready', mediaSource: null }
  return {
    mediaStatus: content.source ? 'downloading' : 'unavailable',
    mediaSource: content.source ? JSON.stringify(content.source) : null,
  }
}

declare module '@adonisjs/core/types' {
  interface EventsList {
    'whatsapp:message_stored': {
      businessId: string
      conversationId: string
      messageId: string
      type: MessageType
      direction: MessageDirection
      author: MessageAuthor
      /**
       * The business's bot settings when they were read with the message
       * (listeners need not look them up again).
       */
      business?: BotSettings
    }
  }
}

/**
 * What a media message keeps beside its file: a voice or round-video
 * note, and how long it is.
 */
function mediaMeta(content: { note?: string; seconds?: number }) {
  const meta = {
    ...(content.note ? { note: content.note } : {}),
    ...(content.seconds ? { seconds: content.seconds } : {}),
  }
  return Object.keys(meta).length > 0 ? meta : null
}

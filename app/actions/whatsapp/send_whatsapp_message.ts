import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import Business from '#models/business'
import type Conversation from '#models/conversation'
import Contact from '#models/contact'
import Message, { messageColumnsSql, type MessageAuthor } from '#models/message'
import type WhatsappInstance from '#models/whatsapp_instance'
import UserError from '#exceptions/user_error'
import { BusinessEvents } from '#services/business_events'
import { serialize } from '#services/serializer'
import MessageTransformer from '#transformers/message_transformer'
import type { StrictValues } from '@adonisjs/lucid/types/querybuilder'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import {
  WhatsAppGateway,
  type MediaKind,
  type SentMessage,
} from '#services/whatsapp/whatsapp_gateway'
import {
  GatewayOutcomeUnknownError,
  GatewayRejectedError,
  GatewayUnavailableError,
} from '#services/whatsapp/gateway_errors'
import MediaStorage from '#services/media_storage'
import { publicUrl } from '#services/public_url'
import { JobQueue } from '#services/queue/job_queue'
import { whatsappDigitsOrFail } from '#services/whatsapp/phone_numbers'
import { findOrCreateConversationWithPhone } from '#actions/whatsapp/conversations'
import BotControl from '#actions/conversations/bot_control'

/**
 * A file to send with a message: always one we store (its key).
 */
export type OutboundMedia = { kind: MediaKind; mimetype: string; fileName: string; key: string }

export type SendWhatsappMessageParams = {
  business: Business
  /**
   * Either an existing conversation, or a phone number to write to (as a
   * person types it, read with the business's country; the contact it
   * already is, whatever form their phone is stored in).
   */
  conversation?: Conversation
  phone?: string
  text: string
  media?: OutboundMedia
  author: Exclude<MessageAuthor, 'customer'>
  userId?: string | null
  agentRunId?: string | null
}

/**
 * Logs an outbound message, sends it through the gateway and records the
 * outcome: the gateway's id and "sent"; "queued" while the gateway is down
 * (the outbound queue sends it, in order, once it is back); or "failed" with
 * the reason (the message stays in the log either way, so a person can
 * retry).
 */
@inject()
export default class SendWhatsappMessage {
  constructor(
    private gateway: WhatsAppGateway,
    private events: BusinessEvents,
    private botControl: BotControl,
    private storage: MediaStorage,
    private queue: JobQueue
  ) {}

  async handle(params: SendWhatsappMessageParams): Promise<Message> {
    const { business } = params
    const instance = await business.whatsapp()
    if (!instance || !instance.isPaired()) {
      throw new UserError('whatsapp.errors.not_connected', { status: 409 })
    }

    let takenOver: Conversation | null = null
    const message = await db.transaction(async (trx) => {
      let conversation = params.conversation
      if (!conversation) {
        conversation = await findOrCreateConversationWithPhone(trx, {
          businessId: business.id,
          phone: whatsappDigitsOrFail(params.phone ?? '', business.country),
        })
      }

      const created = await Message.create(
        {
          businessId: business.id,
          conversationId: conversation.id,
          direction: 'outbound',
          author: params.author,
          type: params.media
            ? params.media.kind === 'audio'
              ? 'audio'
              : params.media.kind
            : 'text',
          body: params.text || null,
          mediaKey: params.media?.key ?? null,
          mediaMime: params.media?.mimetype ?? null,
          mediaName: params.media?.fileName ?? null,
          status: 'pending',
          sentByUserId: params.userId ?? null,
          agentRunId: params.agentRunId ?? null,
          sentAt: DateTime.now(),
        },
        { client: trx }
      )

      conversation.useTransaction(trx)
      conversation.noteLastMessage({
        at: created.sentAt,
        text: params.text || `[${created.type}]`,
        direction: 'outbound',
      })
      await conversation.save()

      /**
       * A person writing is a takeover: the bot steps aside here.
       */
      if (params.author === 'human') {
        await this.botControl.takeOver(business, conversation, trx)
        takenOver = conversation
      }
      return created
    })

    if (takenOver) {
      this.botControl.changed(takenOver)
    }

    await this.#broadcast(business.id, message, 'message.created')
    return this.deliver(instance, message)
  }

  /**
   * Sends a logged message: a first attempt, a retry of a failed one, or
   * (`fromQueue`) the outbound queue's turn. Messages of a conversation go
   * out in order: while earlier ones wait for the gateway, this one waits
   * behind them. From the queue, a gateway still down throws, so the job is
   * tried again later.
   *
   * The message is claimed before the gateway is called: a message another
   * worker claimed (or one claimed by a run that died, which a retried job
   * finds pending) is never sent again from here. It is answered as it
   * stands; the gateway's `send.message` settles it if it went out, and a
   * claim that stays stuck is marked failed (failStaleClaims).
   */
  async deliver(
    instance: WhatsappInstance,
    message: Message,
    options: { fromQueue?: boolean } = {}
  ): Promise<Message> {
    const [waiting, contact] = await Promise.all([
      options.fromQueue ? false : this.#waitingBehindQueued(message),
      Contact.ofConversation(message.conversationId),
    ])
    if (waiting) {
      return this.#enqueue(message)
    }

    /**
     * Everything the call needs is ready before the claim: between the
     * claim and the call, nothing can fail.
     */
    const media = await this.#media(message)
    if (!(await this.#claim(message))) {
      return this.#claimedElsewhere(message)
    }

    let sent: SentMessage
    try {
      sent = media
        ? await this.gateway.sendMedia(instance.credentials(), contact.waJid, {
            ...media,
            caption: message.body ?? undefined,
          })
        : await this.gateway.sendText(instance.credentials(), contact.waJid, message.body ?? '')
    } catch (error) {
      /**
       * Anything else (an answer we could not read…) may have sent it: the
       * claim stays, for send.message to settle or failStaleClaims to fail.
       */
      if (!(error instanceof GatewayRejectedError || error instanceof GatewayUnavailableError)) {
        throw error
      }
      logger.warn(
        { businessId: message.businessId, messageId: message.id },
        'whatsapp send failed: %s',
        error.message
      )
      /**
       * Down (unreachable, 5xx, its WhatsApp connection closed or
       * reconnecting): it certainly did not go out, so it waits for the
       * gateway. A timeout may have sent it: a person decides (unless the
       * gateway's send.message says it went out).
       */
      if (
        error instanceof GatewayUnavailableError &&
        !(error instanceof GatewayOutcomeUnknownError)
      ) {
        await this.#release(message)
        if (options.fromQueue) throw error
        return this.#enqueue(message)
      }
      await this.markFailed(message, failureReason(error))
      return message
    }

    /**
     * Bookkeeping that fails here leaves the message claimed, never sent
     * again: the gateway's send.message records it.
     */
    await this.#recordSent(message, sent.id)
    await this.#broadcast(message.businessId, message, 'message.updated')
    return message
  }

  /**
   * A send that did not go out, for a person to retry. A message the
   * gateway reported sent meanwhile (its id recorded) stays as it is.
   */
  async markFailed(message: Message, reason: string) {
    const failed = await this.#update(
      message,
      `status = 'failed', error = ?, sending_at = NULL`,
      [reason],
      'gateway_message_id IS NULL'
    )
    if (failed) {
      await this.#broadcast(message.businessId, message, 'message.updated')
      return
    }
    const current = await storedRow(message).first()
    if (current) takeRow(message, current)
  }

  /**
   * A claim older than any send takes is one whose worker died before the
   * gateway answered (or whose answer was never recorded and never
   * reported): whether it went out is unknown, so it is not sent again but
   * marked failed ("the WhatsApp server did not answer"), for a person to
   * retry; a late send.message still settles it as sent. Run when a
   * delivery finds a message claimed, and by the outbound queue's job
   * scheduled for when that claim would be stale.
   */
  async failStaleClaims(conversationId: string) {
    const failed = await db.rawQuery(
      `UPDATE messages SET status = 'failed', error = 'gateway_unavailable', sending_at = NULL,
         updated_at = now()
       WHERE conversation_id = ? AND sending_at IS NOT NULL AND gateway_message_id IS NULL
         AND status IN ('pending', 'queued')
         AND sending_at < now() - make_interval(secs => ?)
       RETURNING ${messageColumnsSql()}`,
      [conversationId, STALE_CLAIM_SECONDS]
    )
    const messages = failed.rows.map((row: object) => Message.$createFromAdapterResult(row)!)
    for (const message of messages) {
      logger.warn(
        { businessId: message.businessId, messageId: message.id },
        'whatsapp send claim went stale: marked failed'
      )
      await this.#broadcast(message.businessId, message, 'message.updated')
    }
    return messages
  }

  /**
   * Only the worker whose update takes the message from unclaimed to
   * claimed sends it.
   */
  async #claim(message: Message) {
    return this.#update(
      message,
      'sending_at = now()',
      [],
      `status IN ('pending', 'queued') AND gateway_message_id IS NULL AND sending_at IS NULL`
    )
  }

  /**
   * Not ours to send: answered as it stands, after failing it if its claim
   * is stale; a claim still live is looked at again once it would be.
   */
  async #claimedElsewhere(message: Message) {
    await this.failStaleClaims(message.conversationId)
    const current = await storedRow(message).first()
    if (!current) return message
    takeRow(message, current)
    const stillClaimed =
      message.sendingAt !== null &&
      message.gatewayMessageId === null &&
      ['pending', 'queued'].includes(message.status)
    if (stillClaimed) {
      await this.queue
        .scheduleDelivery(message.conversationId, STALE_CLAIM_SECONDS + 30)
        .catch((error) => {
          logger.error(
            { err: error, messageId: message.id },
            'could not schedule a look at a claimed message'
          )
        })
    }
    return message
  }

  /**
   * Our claim given back: the send certainly did not go out.
   */
  async #release(message: Message) {
    await this.#update(message, 'sending_at = NULL', [], 'gateway_message_id IS NULL')
  }

  async #waitingBehindQueued(message: Message) {
    const queued = await Business.reference(message.businessId)
      .related('messages')
      .query()
      .where('conversation_id', message.conversationId)
      .where('status', 'queued')
      .whereNot('id', message.id)
      .first()
    return queued !== null
  }

  /**
   * Waits for the gateway: only a message nobody is sending.
   */
  async #enqueue(message: Message) {
    const queued = await this.#update(
      message,
      `status = 'queued', error = NULL`,
      [],
      `status IN ('pending', 'queued') AND gateway_message_id IS NULL AND sending_at IS NULL`
    )
    if (!queued) return this.#claimedElsewhere(message)
    await this.queue.scheduleDelivery(message.conversationId)
    await this.#broadcast(message.businessId, message, 'message.updated')
    return message
  }

  /**
   * A conditional update of the message: `set` where `condition` still
   * holds. The model takes the stored row; false when the condition did not
   * hold (the model is left as it was).
   */
  async #update(message: Message, set: string, values: StrictValues[], condition: string) {
    const updated = await db.rawQuery(
      `UPDATE messages SET ${set}, updated_at = now() WHERE id = ? AND ${condition}
       RETURNING ${messageColumnsSql()}`,
      [...values, message.id]
    )
    const [row] = updated.rows
    if (!row) return false
    takeRow(message, Message.$createFromAdapterResult(row)!)
    return true
  }

  /**
   * What the gateway needs to send the message's file: a fresh link to our
   * stored copy.
   */
  async #media(message: Message) {
    const kind = MEDIA_KINDS.find((candidate) => candidate === message.type)
    if (!kind || !message.mediaKey) return null
    return {
      kind,
      url: publicUrl((await this.storage.urlFor(message.mediaKey))!),
      mimetype: message.mediaMime ?? 'application/octet-stream',
      fileName: message.mediaName ?? 'file',
    }
  }

  /**
   * The gateway's id for the message, and "sent". Its `send.message` may
   * have come first and recorded both (IngestGatewayEvents#settleOwnSend),
   * and a status after it: that stands. A report it could not recognise as
   * ours stored a copy with this id: ours takes its id (and a status that
   * went further), the copy goes.
   */
  async #recordSent(message: Message, gatewayMessageId: string) {
    const recorded = await db.transaction(async (trx) => {
      const current = await storedRow(message, trx).forUpdate().firstOrFail()
      if (current.gatewayMessageId) {
        if (current.gatewayMessageId !== gatewayMessageId) {
          logger.warn(
            { messageId: message.id, recorded: current.gatewayMessageId, gatewayMessageId },
            'whatsapp send answered another id than the one recorded'
          )
        }
        return current
      }

      const early = await Business.reference(message.businessId, trx)
        .related('messages')
        .query()
        .where('gateway_message_id', gatewayMessageId)
        .whereNot('id', message.id)
        .forUpdate()
        .first()
      if (early) {
        logger.warn(
          { messageId: message.id, copyId: early.id, gatewayMessageId },
          'a copy of our own send was stored first: removed'
        )
        await early.delete()
      }
      current.merge({
        gatewayMessageId,
        status: early && ['delivered', 'read'].includes(early.status) ? early.status : 'sent',
        error: null,
      })
      await current.save()
      return current
    })
    takeRow(message, recorded)
  }

  async #broadcast(
    businessId: string,
    message: Message,
    type: 'message.created' | 'message.updated'
  ) {
    this.events.broadcast(businessId, {
      type,
      conversationId: message.conversationId,
      message: await serialize(MessageTransformer.transform(message)),
    })
  }
}

const MEDIA_KINDS: MediaKind[] = ['image', 'video', 'document', 'audio']

/**
 * When a claim without the gateway's id is stale: longer than the longest
 * send. A send is tried at most 4 times (3 retries of a refused connection
 * or a 5xx, 0.4 s to 2.4 s apart; a timeout is never retried), each
 * within 45 s (15 s, 30 s more for a file): about 3 minutes at worst.
 */
export const STALE_CLAIM_SECONDS = 5 * 60

/**
 * The message's row as stored now, read through its business (in `trx`
 * when given).
 */
function storedRow(message: Message, trx?: TransactionClientContract) {
  return Business.reference(message.businessId, trx)
    .related('messages')
    .query()
    .where('id', message.id)
}

/**
 * The model takes the stored row, as if it had just been read.
 */
function takeRow(message: Message, stored: Message) {
  message.merge(stored.$attributes)
  message.$hydrateOriginals()
}

/**
 * messages.error for a send that failed: a code the inbox puts in words.
 */
function failureReason(error: GatewayRejectedError | GatewayUnavailableError) {
  if (error instanceof GatewayUnavailableError) return 'gateway_unavailable'
  if (error.reason === 'not_on_whatsapp') return 'not_on_whatsapp'
  return `rejected: ${error.message}`.slice(0, 500)
}

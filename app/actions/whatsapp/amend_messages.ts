import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { DateTime } from 'luxon'
import Message, { type MessageEdit, type MessageReaction } from '#models/message'
import Conversation from '#models/conversation'
import Business from '#models/business'
import MessageTransformer from '#transformers/message_transformer'
import { BusinessEvents } from '#services/business_events'
import MediaStorage from '#services/media_storage'
import { JobQueue } from '#services/queue/job_queue'
import type { GatewayEvent } from '#services/whatsapp/whatsapp_gateway'

export type Amendment = Extract<GatewayEvent, { kind: 'edit' | 'revoke' | 'reaction' }>

type AmendmentRow = {
  kind: 'edit' | 'revoke' | 'reaction'
  dedupe_key: string
  from_me: boolean
  payload: { text?: string | null; emoji?: string }
  occurred_at: Date
}

type Recomputed = {
  message: Message
  changed: boolean
  removedMedia: string | null
  /**
   * The conversation's new preview, when it showed this message.
   */
  preview: string | null
}

/**
 * What a message shows once its amendments are applied.
 */
export type AmendedState = {
  body: string | null
  edits: MessageEdit[] | null
  editedAt: string | null
  deletedAt: string | null
  reactions: MessageReaction[] | null
}

/**
 * The message's state from its original text and every amendment it has,
 * whatever order they arrived in: a delete for everyone wins over
 * everything (nothing of the message is kept); otherwise the latest edit
 * is the text and the ones before it are its history, and each side's
 * latest reaction is shown (an empty one removes it). Ties in time are
 * broken by the amendment's key, so the result is a function of the set.
 */
export function amendedState(
  original: { body: string | null; sentAt: string },
  amendments: AmendmentRow[]
): AmendedState {
  const ordered = [...amendments].sort(
    (a, b) =>
      a.occurred_at.getTime() - b.occurred_at.getTime() ||
      (a.dedupe_key < b.dedupe_key ? -1 : a.dedupe_key > b.dedupe_key ? 1 : 0)
  )
  const revoke = ordered.find((amendment) => amendment.kind === 'revoke')
  if (revoke) {
    return {
      body: null,
      edits: null,
      editedAt: null,
      deletedAt: revoke.occurred_at.toISOString(),
      reactions: null,
    }
  }

  const edits = ordered.filter((amendment) => amendment.kind === 'edit')
  const versions: MessageEdit[] = [
    { text: original.body, at: original.sentAt },
    ...edits.map((edit) => ({
      text: edit.payload.text ?? null,
      at: edit.occurred_at.toISOString(),
    })),
  ]
  const latest = versions[versions.length - 1]

  const bySide = new Map<boolean, AmendmentRow>()
  for (const reaction of ordered.filter((amendment) => amendment.kind === 'reaction')) {
    bySide.set(reaction.from_me, reaction)
  }
  const reactions = [false, true]
    .map((side) => bySide.get(side))
    .filter((reaction) => reaction && reaction.payload.emoji)
    .map((reaction) => ({
      emoji: reaction!.payload.emoji!,
      fromMe: reaction!.from_me,
      at: reaction!.occurred_at.toISOString(),
    }))

  return {
    body: latest.text,
    edits: edits.length > 0 ? versions.slice(0, -1) : null,
    editedAt: edits.length > 0 ? latest.at : null,
    deletedAt: null,
    reactions: reactions.length > 0 ? reactions : null,
  }
}

/**
 * Edits, deletes for everyone and reactions: each kept once (the gateway
 * redelivers) in message_amendments, then the message they change is
 * recomputed from its original and all its amendments under its row lock.
 * An amendment whose message is not stored yet waits: storing the message
 * applies it (IngestGatewayEvents), and a check a minute later closes the
 * gap of a message committed while its amendment was being written.
 */
@inject()
export default class AmendMessages {
  constructor(
    private events: BusinessEvents,
    private storage: MediaStorage,
    private queue: JobQueue
  ) {}

  async record(businessId: string, amendment: Amendment) {
    const outcome = await db.transaction(async (trx) => {
      const inserted = await trx.rawQuery(
        `INSERT INTO message_amendments
           (business_id, target_gateway_id, kind, dedupe_key, from_me, payload, occurred_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (business_id, dedupe_key) DO NOTHING
         RETURNING id`,
        [
          businessId,
          amendment.targetId,
          amendment.kind,
          amendment.id,
          amendment.kind === 'reaction' ? amendment.fromMe : false,
          JSON.stringify(
            amendment.kind === 'edit'
              ? { text: amendment.text }
              : amendment.kind === 'reaction'
                ? { emoji: amendment.emoji }
                : {}
          ),
          amendment.timestamp.toISOString(),
        ]
      )
      if (inserted.rows.length === 0) return 'duplicate' as const
      return (await this.#recompute(trx, businessId, amendment.targetId)) ?? ('waiting' as const)
    })

    if (outcome === 'duplicate') return
    if (outcome === 'waiting') {
      await this.queue.scheduleAmendmentCheck(businessId, amendment.targetId)
      return
    }
    await this.#announce(outcome)
  }

  /**
   * Applies what waits for a message (just stored, or checked later).
   */
  async apply(businessId: string, targetGatewayId: string) {
    const outcome = await db.transaction((trx) => this.#recompute(trx, businessId, targetGatewayId))
    if (outcome) await this.#announce(outcome)
  }

  async #recompute(
    trx: TransactionClientContract,
    businessId: string,
    targetGatewayId: string
  ): Promise<Recomputed | null> {
    const business = Business.reference(businessId, trx)
    const message = await business
      .related('messages')
      .query()
      .where('gateway_message_id', targetGatewayId)
      .forUpdate()
      .first()
    if (!message) return null

    const amendments: AmendmentRow[] = await business
      .messageAmendments()
      .where('target_gateway_id', targetGatewayId)
      .select('kind', 'dedupe_key', 'from_me', 'payload', 'occurred_at')

    /**
     * Deleted already: nothing is left to change.
     */
    if (message.deletedAt) return { message, changed: false, removedMedia: null, preview: null }

    const original = {
      body: message.edits ? message.edits[0].text : message.body,
      sentAt: message.edits ? message.edits[0].at : message.sentAt.toISO()!,
    }
    const state = amendedState(original, amendments)
    const changed =
      state.body !== message.body ||
      state.deletedAt !== null ||
      JSON.stringify(state.edits) !== JSON.stringify(message.edits ?? null) ||
      JSON.stringify(state.reactions) !== JSON.stringify(message.reactions ?? null)
    if (!changed) return { message, changed: false, removedMedia: null, preview: null }

    const wasLatest = await this.#isLatest(business, message)
    const previousBody = message.body
    const removedMedia = state.deletedAt ? message.mediaKey : null
    message.body = state.body
    message.edits = state.edits
    message.editedAt = state.editedAt ? DateTime.fromISO(state.editedAt) : null
    message.reactions = state.reactions
    if (state.deletedAt) {
      message.deletedAt = DateTime.fromISO(state.deletedAt)
      message.meta = null
      message.mediaKey = null
      message.mediaName = null
      message.mediaMime = null
      message.mediaStatus = null
      message.mediaSource = null
      message.quotedText = null
      message.transcript = null
      /**
       * A message deleted before the bot answered it is not answered.
       */
      message.agentHandledAt ??= DateTime.now()
      await business
        .related('messages')
        .query()
        .where('quoted_gateway_id', targetGatewayId)
        .whereNotNull('quoted_text')
        .update({ quoted_text: null })
    }
    message.useTransaction(trx)
    await message.save()

    let preview: string | null = null
    if (wasLatest && (state.deletedAt || state.body !== previousBody)) {
      preview = state.deletedAt
        ? '[deleted]'
        : Conversation.preview(state.body ?? `[${message.type}]`)
      await business
        .related('conversations')
        .query()
        .where('id', message.conversationId)
        .update({ last_message_preview: preview })
    }
    return { message, changed: true, removedMedia, preview }
  }

  /**
   * Whether the conversation's preview shows this message.
   */
  async #isLatest(business: Business, message: Message) {
    const newer = await business
      .related('messages')
      .query()
      .where('conversation_id', message.conversationId)
      .where('sent_at', '>', message.sentAt.toJSDate())
      .select(db.raw('1'))
      .first()
    return !newer
  }

  async #announce(outcome: Recomputed) {
    if (!outcome.changed) return
    const { message } = outcome
    if (outcome.removedMedia) {
      await this.storage.delete(outcome.removedMedia).catch((error) => {
        logger.error(
          { err: error, messageId: message.id },
          'could not delete a deleted message file'
        )
      })
    }
    this.events.broadcast(message.businessId, {
      type: 'message.updated',
      conversationId: message.conversationId,
      message: new MessageTransformer(message).toObject(),
    })
    if (outcome.preview !== null) {
      this.events.broadcast(message.businessId, {
        type: 'conversation.updated',
        conversation: { id: message.conversationId, lastMessagePreview: outcome.preview },
      })
    }
  }
}

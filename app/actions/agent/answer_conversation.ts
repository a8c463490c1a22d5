import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import i18nManager from '@adonisjs/i18n/services/main'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import AgentRun, { type HeldBackItem, type RunSource } from '#models/agent_run'
import Business from '#models/business'
import Contact from '#models/contact'
import Conversation from '#models/conversation'
import Message from '#models/message'
import type Product from '#models/product'
import WhatsappInstance from '#models/whatsapp_instance'
import BotControl from '#actions/conversations/bot_control'
import SendWhatsappMessage from '#actions/whatsapp/send_whatsapp_message'
import { AgentContext } from '#services/agent/agent_context'
import { AgentTurn, splitReply, type TurnResult } from '#services/agent/agent_turn'
import { AgentUsage } from '#services/agent/agent_usage'
import {
  ModelKeyRejectedError,
  ModelUnavailableError,
  TurnAbortedError,
} from '#services/agent/agent_errors'
import { BotGate } from '#services/agent/bot_gate'
import { awaitsTranscript, isUnheard } from '#services/agent/voice_notes'
import type { GateReason } from '#shared/bot_status'
import agentConfig from '#config/agent'
import { estimateCost } from '#services/agent/pricing'
import { BusinessEvents } from '#services/business_events'
import MediaStorage from '#services/media_storage'
import { JobQueue } from '#services/queue/job_queue'
import { WhatsAppGateway } from '#services/whatsapp/whatsapp_gateway'

export type SkipReason = GateReason | 'unheard_audio'

/**
 * While a voice note is being transcribed, the turn looks again this
 * often (besides being asked when the transcript is done).
 */
const TRANSCRIPT_LOOK_SECONDS = 5

export type AnswerOptions = {
  source: RunSource
  /**
   * Generate and log the reply, send nothing (POST /agent/think dry_run).
   */
  dryRun?: boolean
  /**
   * Answer now, whatever the business's reply delay (the API).
   */
  ignoreDelay?: boolean
  /**
   * Aborted when the turn's job is taken from this worker: the turn stops
   * at its next step and hands its claim back.
   */
  signal?: AbortSignal
}

export type AnswerResult =
  | { kind: 'nothing_to_answer' }
  | { kind: 'rescheduled' }
  /**
   * Another turn of the conversation is in progress (its worker alive).
   */
  | { kind: 'busy'; runId: string | null }
  | { kind: 'skipped'; reason: SkipReason; runId: string }
  | { kind: 'discarded'; reason: string; runId: string; turn: TurnResult }
  | { kind: 'failed'; reason: string; runId: string }
  | { kind: 'replied'; runId: string; turn: TurnResult; sent: boolean }

/**
 * A photo the model asked for, sent with the reply (before its text).
 */
type PhotoIntent = { product: Product; caption: string | null }

/**
 * The agent answers a conversation: the customer's messages since its last
 * turn, once the conversation has been quiet for the reply delay.
 *
 * - One turn per conversation at a time, whoever asks: a turn claims the
 *   conversation by inserting its run (a unique index allows one running
 *   or replying run per conversation) and beats on it while it works; a
 *   run is taken over only once its beats stopped (#takeOver).
 * - Nothing lost or doubled when a worker dies: the reply is stored (as
 *   pending messages of a "replying" run) before anything is sent; whoever
 *   takes the run over delivers what is pending through the same
 *   delivery (#deliver), and the sender claims each message before it
 *   sends it.
 * - Never over a person: the gate (BotGate) is asked before the turn,
 *   before storing the reply, and before each part and photo it sends;
 *   what it stops is held back (on the run, never sent).
 */
@inject()
export default class AnswerConversation {
  constructor(
    private turn: AgentTurn,
    private context: AgentContext,
    private sender: SendWhatsappMessage,
    private botControl: BotControl,
    private usage: AgentUsage,
    private queue: JobQueue,
    private events: BusinessEvents,
    private storage: MediaStorage,
    private gateway: WhatsAppGateway,
    private gate: BotGate
  ) {}

  async handle(conversationId: string, options: AnswerOptions): Promise<AnswerResult> {
    const conversation = await Conversation.find(conversationId) // tenancy: root (a conversation id from our own queue)
    if (!conversation) return { kind: 'nothing_to_answer' }
    /**
     * Independent reads go out together: each is a round trip the
     * customer would otherwise wait for.
     */
    const [business, active, pending, instance] = await Promise.all([
      Business.findOrFail(conversation.businessId),
      conversation.related('agentRuns').query().whereIn('outcome', ['running', 'replying']).first(),
      this.#pendingCustomerMessages(conversation),
      options.dryRun ? null : Business.reference(conversation.businessId).whatsapp(),
    ])
    if (active && !(await this.#takeOver(business, active, options))) {
      return { kind: 'busy', runId: active.id }
    }

    if (pending.length === 0) return { kind: 'nothing_to_answer' }
    const last = pending[pending.length - 1]

    if (!options.ignoreDelay) {
      const quietAt = last.createdAt.plus({ seconds: business.replyDelaySeconds })
      const waitMs = quietAt.diffNow().milliseconds
      if (waitMs > 50) {
        await this.queue.scheduleReply(conversation.id, waitMs / 1000)
        return { kind: 'rescheduled' }
      }
    }

    /**
     * A voice note of the burst is still being transcribed: the turn waits
     * for its words (the transcription asks for the reply again when it is
     * done; this look is the fallback), at most turnWaitMs.
     */
    const waitingSince = pending.find((message) => awaitsTranscript(message, business))?.createdAt
    if (
      waitingSince &&
      -waitingSince.diffNow().milliseconds < agentConfig.transcription.turnWaitMs
    ) {
      await this.queue.scheduleReply(conversation.id, TRANSCRIPT_LOOK_SECONDS)
      return { kind: 'rescheduled' }
    }

    const skip = await this.gate.reason(business, conversation, {
      instance,
      needsWhatsapp: !options.dryRun,
    })
    if (skip) {
      if (skip === 'budget_reached' && business.botBlockedReason !== 'budget_reached') {
        await this.#block(business, 'budget_reached')
      }
      const run = await this.#finishSkipped(business, conversation, pending, skip, options)
      return { kind: 'skipped', reason: skip, runId: run.id }
    }

    const run = await this.#claimTurn(business, conversation, options)
    if (!run) return { kind: 'busy', runId: null }
    const heartbeat = this.#beat(run)
    try {
      /**
       * Read again under the claim: a turn that finished just before this
       * one claimed has answered what it saw.
       */
      const triggers = await this.#pendingCustomerMessages(conversation)
      if (triggers.length === 0) {
        await run.delete()
        return { kind: 'nothing_to_answer' }
      }
      run.triggerMessageIds = triggers.map((message) => message.id)
      if (business.unheardAudio === 'human' && triggers.some(isUnheard)) {
        return await this.#handOffUnheard(business, conversation, run, triggers)
      }
      return await this.#answer(business, conversation, run, triggers, options)
    } catch (error) {
      if (error instanceof TurnAbortedError) {
        await this.#release(run)
      }
      throw error
    } finally {
      heartbeat.stop()
    }
  }

  /**
   * The turn itself, once claimed: the model answers, the reply is checked
   * and stored, then delivered.
   */
  async #answer(
    business: Business,
    conversation: Conversation,
    run: AgentRun,
    triggers: Message[],
    options: AnswerOptions
  ): Promise<AnswerResult> {
    const [transcript, system] = await Promise.all([
      this.context.history(business, conversation.id),
      this.context.system(business),
    ])

    const photos: PhotoIntent[] = []
    const messages = this.context.messages(system, transcript)

    let result: TurnResult
    try {
      result = await this.turn.run(
        business,
        messages,
        {
          business,
          sendProductImage: options.dryRun
            ? undefined
            : async (product, caption) => this.#addPhoto(photos, product, caption),
          handoff: async (reason) => {
            await this.botControl.needHuman(conversation, reason)
          },
        },
        { signal: options.signal }
      )
    } catch (error) {
      if (error instanceof TurnAbortedError) throw error
      return this.#failed(business, conversation, run, triggers, error)
    }

    /**
     * The last word before anything is stored: the gate, with the
     * business and conversation read again, and whether the customer
     * wrote again (the next turn answers everything together).
     */
    this.#noteUsage(business, run, result)
    const [, , , customerWroteAgain, recipient] = await Promise.all([
      run.save(),
      conversation.refresh(),
      business.refresh(),
      this.#customerWroteAgain(conversation, triggers, options),
      options.dryRun ? null : this.#recipient(business.id, conversation.id),
    ])
    if (business.monthlyBudgetUsd !== null && (await this.usage.budgetReached(business))) {
      await this.#block(business, 'budget_reached')
    }
    const discard =
      (await this.gate.reason(business, conversation, {
        run,
        instance: recipient?.instance ?? null,
        needsWhatsapp: !options.dryRun,
      })) ?? (customerWroteAgain ? 'newer_customer_messages' : null)
    if (discard) {
      run.merge({
        outcome: 'discarded',
        reason: discard,
        finishedAt: DateTime.now(),
        heldBack: this.#heldBackOf(splitReply(result.reply), photos),
      })
      await run.save()
      logger.info(
        { businessId: business.id, conversationId: conversation.id, runId: run.id, discard },
        'agent reply discarded'
      )
      return { kind: 'discarded', reason: discard, runId: run.id, turn: result }
    }

    /**
     * A dry run logs the reply on the run only: nothing that looks like a
     * message to the customer.
     */
    const parts = result.reply && !options.dryRun ? splitReply(result.reply) : []
    const photoFiles = await this.#copyPhotos(business, photos)
    const pending: Message[] = []
    await db.transaction(async (trx) => {
      const sentAt = DateTime.now()
      const outgoing = [
        ...photoFiles.map((photo) => ({
          type: 'image' as const,
          body: photo.caption,
          mediaKey: photo.key,
          mediaMime: photo.mimetype,
          mediaName: photo.fileName,
          meta: { productId: photo.productId },
        })),
        ...parts.map((part) => ({ type: 'text' as const, body: part })),
      ]
      for (const [index, part] of outgoing.entries()) {
        const message = await Message.create(
          {
            businessId: business.id,
            conversationId: conversation.id,
            direction: 'outbound',
            author: 'bot',
            status: 'pending',
            agentRunId: run.id,
            sentAt: sentAt.plus({ milliseconds: index }),
            ...part,
          },
          { client: trx }
        )
        pending.push(message)
      }
      await this.#markHandled(business, triggers, trx)
      conversation.useTransaction(trx)
      if (outgoing.length > 0) {
        const latest = outgoing[outgoing.length - 1]
        conversation.noteLastMessage({
          at: sentAt.plus({ milliseconds: outgoing.length - 1 }),
          text: latest.body ?? `[${latest.type}]`,
          direction: 'outbound',
        })
      }
      await conversation.save()
      run.useTransaction(trx)
      run.merge({
        outcome: options.dryRun || pending.length === 0 ? 'replied' : 'replying',
        reply: result.reply,
      })
      if (options.dryRun || pending.length === 0) run.finishedAt = DateTime.now()
      await run.save()
    })

    if (pending.length === 0) {
      return { kind: 'replied', runId: run.id, turn: result, sent: false }
    }
    const sent = await this.#deliver(business, run, { ...recipient!, pending }, options)
    return { kind: 'replied', runId: run.id, turn: result, sent }
  }

  /**
   * Claims the conversation for a turn: its run, inserted as running. Null
   * when another turn holds it (the unique index of active runs).
   */
  async #claimTurn(business: Business, conversation: Conversation, options: AnswerOptions) {
    try {
      return await AgentRun.create({
        businessId: business.id,
        conversationId: conversation.id,
        source: options.source,
        triggerMessageIds: [],
        model: business.openaiModel,
        outcome: 'running',
        toolCalls: [],
        heldBack: [],
        heartbeatAt: DateTime.now(),
      })
    } catch (error) {
      if ((error as { code?: string }).code === '23505') return null
      throw error
    }
  }

  /**
   * Beats on the run while this worker holds it.
   */
  #beat(run: AgentRun) {
    const timer = setInterval(() => {
      Business.reference(run.businessId)
        .related('agentRuns')
        .query()
        .where('id', run.id)
        .whereIn('outcome', ['running', 'replying'])
        .update({ heartbeatAt: new Date() })
        .catch((error) => logger.warn({ err: error, runId: run.id }, 'run heartbeat failed'))
    }, agentConfig.heartbeatMs)
    timer.unref()
    return { stop: () => clearInterval(timer) }
  }

  /**
   * An aborted turn hands the conversation back at once: a run still
   * thinking is marked interrupted (its customer messages wait for the
   * next turn); one replying keeps its pending messages for whoever takes
   * it over, now.
   */
  async #release(run: AgentRun) {
    const runs = () => Business.reference(run.businessId).related('agentRuns').query()
    await runs()
      .where('id', run.id)
      .where('outcome', 'running')
      .update({ outcome: 'failed', reason: 'interrupted', finishedAt: new Date() })
    await runs().where('id', run.id).where('outcome', 'replying').update({ heartbeatAt: null })
  }

  /**
   * Another turn holds the conversation. Its worker is alive (it beat
   * within staleAfterMs): false, this turn waits. Otherwise it died: a
   * run still thinking is marked interrupted (its reply was never stored;
   * this turn answers instead), a run replying has its pending messages
   * delivered here. The takeover itself is a conditional update, so of
   * two workers finding the same dead run, one takes it.
   */
  async #takeOver(business: Business, active: AgentRun, options: AnswerOptions) {
    const staleBefore = new Date(Date.now() - agentConfig.staleAfterMs)
    const claimed = await business
      .related('agentRuns')
      .query()
      .where('id', active.id)
      .where('outcome', active.outcome)
      .where((query) => query.whereNull('heartbeat_at').orWhere('heartbeat_at', '<', staleBefore))
      .update(
        active.outcome === 'running'
          ? { outcome: 'failed', reason: 'interrupted', finishedAt: new Date() }
          : { heartbeatAt: new Date() }
      )
    if (affectedRows(claimed) === 0) return false
    if (active.outcome === 'replying') {
      const heartbeat = this.#beat(active)
      try {
        await this.#deliver(business, active, undefined, options)
      } finally {
        heartbeat.stop()
      }
    }
    return true
  }

  /**
   * The customer's messages the agent has not taken into account yet.
   */
  async #pendingCustomerMessages(conversation: Conversation) {
    return conversation
      .related('messages')
      .query()
      .where('author', 'customer')
      .whereNull('agent_handled_at')
      .orderBy('created_at')
      .orderBy('id')
  }

  /**
   * Marks the turn's trigger messages as taken into account.
   */
  async #markHandled(business: Business, triggers: Message[], trx?: TransactionClientContract) {
    await Business.reference(business.id, trx)
      .related('messages')
      .query()
      .whereIn(
        'id',
        triggers.map((message) => message.id)
      )
      .update({ agentHandledAt: new Date() })
  }

  /**
   * Whether the customer wrote again while the model was thinking (a
   * WhatsApp turn only: the API answers the message it was given).
   */
  async #customerWroteAgain(
    conversation: Conversation,
    triggers: Message[],
    options: AnswerOptions
  ) {
    if (options.source !== 'whatsapp') return false
    const newer = await conversation
      .related('messages')
      .query()
      .where('author', 'customer')
      .whereNull('agent_handled_at')
      .whereNotIn(
        'id',
        triggers.map((message) => message.id)
      )
      .select('id')
      .first()
    return newer !== null
  }

  /**
   * Where a reply goes: the business's WhatsApp (as it is now) and the
   * conversation's contact.
   */
  async #recipient(businessId: string, conversationId: string) {
    const [instance, contact] = await Promise.all([
      Business.reference(businessId).whatsapp(),
      Contact.ofConversation(conversationId),
    ])
    return { instance, contact }
  }

  /**
   * What the turn cost, on its run (saved by the caller).
   */
  #noteUsage(business: Business, run: AgentRun, result: TurnResult) {
    run.merge({
      promptTokens: result.usage.promptTokens,
      completionTokens: result.usage.completionTokens,
      costUsd: estimateCost(
        business.openaiModel,
        result.usage.promptTokens,
        result.usage.completionTokens
      ),
      latencyMs: result.latencyMs,
      modelCalls: result.modelCalls,
      toolCalls: result.toolCalls,
    })
  }

  /**
   * The one delivery of a run's reply, fresh or taken over: its pending
   * messages (photos, then the text parts) in order, after a "typing…",
   * each one through the gate first: a person may have written from the
   * phone while the previous one went out. What the gate stops is held
   * back. A turn that just stored the messages hands them over with where
   * they go; a takeover finds them in the database. The sender claims each
   * message before sending it, so two workers never send the same one.
   */
  async #deliver(
    business: Business,
    run: AgentRun,
    known: { instance: WhatsappInstance | null; contact: Contact; pending: Message[] } | undefined,
    options: AnswerOptions
  ): Promise<boolean> {
    const { instance, pending, contact } = known ?? (await this.#pendingDelivery(business, run))

    let allSent = true
    let stopped: string | null = null
    let sentCount = 0
    if (pending.length > 0 && instance?.isPaired()) {
      this.gateway.sendPresence(instance.credentials(), contact.waJid, 1200).catch(() => {})
    }
    for (const [index, message] of pending.entries()) {
      if (options.signal?.aborted) {
        throw new TurnAbortedError('The turn was aborted while sending')
      }
      /**
       * Everything read fresh, WhatsApp's connection included.
       */
      const [fresh, conversation] = await Promise.all([
        Business.findOrFail(business.id),
        business.related('conversations').query().where('id', run.conversationId!).firstOrFail(),
      ])
      stopped = await this.gate.reason(fresh, conversation, { run })
      if (stopped) {
        await this.#holdBack(run, pending.slice(index), stopped)
        allSent = false
        break
      }
      const delivered = await this.sender.deliver(instance!, message)
      sentCount += 1
      allSent &&= !['failed', 'queued'].includes(delivered.status)
    }
    if (instance?.isPaired() && sentCount > 0) {
      this.#markRead(instance, run, contact.readReceiptJid()).catch((error) => {
        logger.warn({ err: error, runId: run.id }, 'could not send read receipts')
      })
    }

    run.merge({
      outcome: stopped && sentCount === 0 ? 'discarded' : 'replied',
      finishedAt: DateTime.now(),
    })
    await run.save()
    return allSent
  }

  /**
   * What the gate stopped: never sent, so not kept as messages (nor their
   * copied photos); the run keeps them, in order, with why; the
   * conversation's preview goes back to its latest message.
   */
  async #holdBack(run: AgentRun, unsent: Message[], reason: string) {
    await db.transaction(async (trx) => {
      await Business.reference(run.businessId, trx)
        .related('messages')
        .query()
        .whereIn(
          'id',
          unsent.map((message) => message.id)
        )
        .where('status', 'pending')
        .whereNull('gateway_message_id')
        .whereNull('sending_at')
        .delete()
      await trx.rawQuery(
        `UPDATE conversations SET
           last_message_at = latest.sent_at,
           last_message_preview = latest.preview,
           last_message_direction = latest.direction,
           updated_at = now()
         FROM (SELECT sent_at, direction,
                 left(coalesce(body, '[' || type || ']'), 200) AS preview
               FROM messages WHERE conversation_id = ?
               ORDER BY sent_at DESC, created_at DESC LIMIT 1) AS latest
         WHERE conversations.id = ?`,
        [run.conversationId!, run.conversationId!]
      )
    })
    await this.storage
      .delete(...unsent.map((message) => message.mediaKey))
      .catch((error) => logger.warn({ err: error, runId: run.id }, 'could not delete held photos'))
    /**
     * The run says why; with nothing sent the whole reply was discarded,
     * otherwise it replied in part (what it held back says how much).
     */
    run.reason = reason
    run.heldBack = unsent.map((message) =>
      message.type === 'image'
        ? {
            type: 'image' as const,
            productId: String(message.meta?.productId ?? ''),
            caption: message.body,
          }
        : { type: 'text' as const, body: message.body ?? '' }
    )
    logger.info(
      { runId: run.id, conversationId: run.conversationId, heldBack: unsent.length, reason },
      'agent reply parts held back'
    )
  }

  /**
   * A whole reply the gate stopped before it was stored, as the run keeps
   * it.
   */
  #heldBackOf(parts: string[], photos: PhotoIntent[]): HeldBackItem[] {
    return [
      ...photos.map((photo) => ({
        type: 'image' as const,
        productId: photo.product.id,
        caption: photo.caption,
      })),
      ...parts.map((body) => ({ type: 'text' as const, body })),
    ]
  }

  async #pendingDelivery(business: Business, run: AgentRun) {
    const [recipient, pending] = await Promise.all([
      this.#recipient(business.id, run.conversationId!),
      business
        .related('messages')
        .query()
        .where('agent_run_id', run.id)
        .where('status', 'pending')
        .whereNull('gateway_message_id')
        .orderBy('sent_at'),
    ])
    return { ...recipient, pending }
  }

  async #markRead(instance: WhatsappInstance, run: AgentRun, remoteJid: string) {
    const ids = (run.triggerMessageIds ?? []) as string[]
    const messages = await Business.reference(run.businessId)
      .related('messages')
      .query()
      .whereIn('id', ids)
      .whereNotNull('gateway_message_id')
    if (messages.length === 0) return
    await this.gateway
      .markRead(
        instance.credentials(),
        messages.map((message) => ({ remoteJid, id: message.gatewayMessageId!, fromMe: false }))
      )
      .catch(() => {})
  }

  /**
   * The send_product_image tool: the photo joins the reply (once per
   * product, at most maxPhotosPerTurn), nothing is sent yet.
   */
  async #addPhoto(photos: PhotoIntent[], product: Product, caption: string | null) {
    if (!product.imageKey) return { sent: false }
    if (photos.some((photo) => photo.product.id === product.id)) return { sent: true }
    if (photos.length >= agentConfig.maxPhotosPerTurn) {
      return {
        sent: false,
        error: `At most ${agentConfig.maxPhotosPerTurn} photos per reply`,
      }
    }
    photos.push({ product, caption })
    return { sent: true }
  }

  /**
   * The photos' files for their messages: a copy of each product photo
   * (the product's may change or go). One that cannot be copied is left
   * out.
   */
  async #copyPhotos(business: Business, photos: PhotoIntent[]) {
    const copies = await Promise.all(
      photos.map(async ({ product, caption }) => {
        try {
          const key = await this.storage.copyForMessage(product.imageKey!, business.id)
          const extension = key.split('.').pop()
          const mimetype =
            extension === 'png' ? 'image/png' : extension === 'webp' ? 'image/webp' : 'image/jpeg'
          return {
            key,
            mimetype,
            fileName: `${product.id}.${extension}`,
            caption,
            productId: product.id,
          }
        } catch (error) {
          logger.error({ err: error, productId: product.id }, 'could not copy a product photo')
          return null
        }
      })
    )
    return copies.filter((copy) => copy !== null)
  }

  async #finishSkipped(
    business: Business,
    conversation: Conversation,
    triggers: Message[],
    reason: SkipReason,
    options: AnswerOptions
  ) {
    return db.transaction(async (trx) => {
      await this.#markHandled(business, triggers, trx)
      return AgentRun.create(
        {
          businessId: business.id,
          conversationId: conversation.id,
          source: options.source,
          triggerMessageIds: triggers.map((message) => message.id),
          model: business.openaiModel,
          outcome: 'skipped',
          reason,
          toolCalls: [],
          heldBack: [],
          finishedAt: DateTime.now(),
        },
        { client: trx }
      )
    })
  }

  /**
   * An audio the bot could not hear, and the business wants a person for
   * it: the conversation waits for one, the bot says nothing.
   */
  async #handOffUnheard(
    business: Business,
    conversation: Conversation,
    run: AgentRun,
    triggers: Message[]
  ): Promise<AnswerResult> {
    const i18n = i18nManager.locale(business.locale === 'en' ? 'en' : 'es')
    await db.transaction(async (trx) => {
      await this.#markHandled(business, triggers, trx)
      await this.botControl.needHuman(conversation, i18n.t('agent.handoff_unheard_audio'), trx)
      run.useTransaction(trx)
      run.merge({ outcome: 'skipped', reason: 'unheard_audio', finishedAt: DateTime.now() })
      await run.save()
    })
    this.botControl.changed(conversation)
    return { kind: 'skipped', reason: 'unheard_audio', runId: run.id }
  }

  /**
   * Nothing technical ever reaches the customer: the conversation waits
   * for a person, and the owner is told why.
   */
  async #failed(
    business: Business,
    conversation: Conversation,
    run: AgentRun,
    triggers: Message[],
    error: unknown
  ): Promise<AnswerResult> {
    const rejected = error instanceof ModelKeyRejectedError
    if (!rejected && !(error instanceof ModelUnavailableError)) {
      logger.error({ err: error, runId: run.id }, 'agent turn crashed')
    }
    const reason = rejected ? 'api_key_rejected' : 'model_unavailable'
    const i18n = i18nManager.locale(business.locale === 'en' ? 'en' : 'es')

    /**
     * All or nothing: the messages count as handled only with the person
     * asked for and the run closed.
     */
    await db.transaction(async (trx) => {
      await this.#markHandled(business, triggers, trx)
      await this.botControl.needHuman(
        conversation,
        i18n.t(rejected ? 'agent.handoff_key_rejected' : 'agent.handoff_model_down'),
        trx
      )
      if (rejected) {
        business.useTransaction(trx)
        business.merge({ botBlockedReason: 'api_key_rejected', botBlockedAt: DateTime.now() })
        await business.save()
      }
      run.useTransaction(trx)
      run.merge({ outcome: 'failed', reason, finishedAt: DateTime.now() })
      await run.save()
    })
    this.botControl.changed(conversation)
    if (rejected) this.#announceBlock(business, 'api_key_rejected')
    return { kind: 'failed', reason, runId: run.id }
  }

  async #block(business: Business, reason: 'api_key_rejected' | 'budget_reached') {
    business.botBlockedReason = reason
    business.botBlockedAt = DateTime.now()
    await business.save()
    this.#announceBlock(business, reason)
  }

  #announceBlock(business: Business, reason: 'api_key_rejected' | 'budget_reached') {
    this.events.broadcast(business.id, {
      type: 'business.updated',
      business: { botBlockedReason: reason },
    })
  }
}

/**
 * The rows an update changed, as the driver reports them.
 */
function affectedRows(result: unknown) {
  return Number(Array.isArray(result) ? result[0] : result)
}

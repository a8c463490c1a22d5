import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import i18nManager from '@adonisjs/i18n/services/main'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import AgentRun, { type RunSource } from '#models/agent_run'
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
import { ModelKeyRejectedError, ModelUnavailableError } from '#services/agent/agent_errors'
import { estimateCost } from '#services/agent/pricing'
import { BusinessEvents } from '#services/business_events'
import MediaStorage from '#services/media_storage'
import { JobQueue } from '#services/queue/job_queue'
import { WhatsAppGateway } from '#services/whatsapp/whatsapp_gateway'

export type SkipReason =
  | 'bot_disabled'
  | 'bot_blocked'
  | 'no_api_key'
  | 'needs_human'
  | 'conversation_paused'
  | 'human_takeover'
  | 'not_connected'
  | 'budget_reached'

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
}

export type AnswerResult =
  | { kind: 'nothing_to_answer' }
  | { kind: 'rescheduled' }
  | { kind: 'skipped'; reason: SkipReason; runId: string }
  | { kind: 'discarded'; reason: string; runId: string; turn: TurnResult }
  | { kind: 'failed'; reason: string; runId: string }
  | { kind: 'replied'; runId: string; turn: TurnResult; sent: boolean }

/**
 * The agent answers a conversation: the customer's messages since its last
 * turn, once the conversation has been quiet for the reply delay.
 *
 * Nothing is lost or doubled when a worker dies: the reply is stored (as
 * pending bot messages of a "replying" run) before anything is sent, and a
 * retried job sends what is pending instead of asking the model again.
 * Right before storing, it checks again that no person wrote and the bot was
 * not switched off while the model was thinking; if so the reply is
 * discarded (and logged as such).
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
    private gateway: WhatsAppGateway
  ) {}

  async handle(conversationId: string, options: AnswerOptions): Promise<AnswerResult> {
    const conversation = await Conversation.find(conversationId)
    if (!conversation) return { kind: 'nothing_to_answer' }
    /**
     * Independent reads (and the one update of other runs) go out
     * together: each is a round trip the customer would otherwise wait for.
     */
    const [business, interrupted, , triggers, instance] = await Promise.all([
      Business.findOrFail(conversation.businessId),
      AgentRun.query()
        .where('conversation_id', conversation.id)
        .where('outcome', 'replying')
        .orderBy('created_at', 'desc')
        .first(),
      /**
       * Only one turn of a conversation runs at a time (the queue's
       * policy): one still "running" belongs to a worker that died while
       * the model was thinking. Its reply was never stored; this turn
       * answers instead.
       */
      options.source === 'whatsapp'
        ? AgentRun.query()
            .where('conversation_id', conversation.id)
            .where('source', 'whatsapp')
            .where('outcome', 'running')
            .update({ outcome: 'failed', reason: 'interrupted', finishedAt: new Date() })
        : null,
      this.#pendingCustomerMessages(conversation),
      options.dryRun ? null : WhatsappInstance.findBy('business_id', conversation.businessId),
    ])
    if (interrupted) {
      await this.#deliver(business, interrupted)
    }

    if (triggers.length === 0) return { kind: 'nothing_to_answer' }
    const last = triggers[triggers.length - 1]

    if (!options.ignoreDelay) {
      const quietAt = last.createdAt.plus({ seconds: business.replyDelaySeconds })
      const waitMs = quietAt.diffNow().milliseconds
      if (waitMs > 50) {
        await this.queue.scheduleReply(conversation.id, waitMs / 1000)
        return { kind: 'rescheduled' }
      }
    }

    const skip = await this.#skipReason(business, conversation, instance, options)
    if (skip) {
      const run = await this.#finishSkipped(business, conversation, triggers, skip, options)
      return { kind: 'skipped', reason: skip, runId: run.id }
    }

    const [run, transcript, system] = await Promise.all([
      AgentRun.create({
        businessId: business.id,
        conversationId: conversation.id,
        source: options.source,
        triggerMessageIds: triggers.map((message) => message.id),
        model: business.openaiModel,
        outcome: 'running',
        toolCalls: [],
      }),
      this.context.history(business, conversation.id),
      this.context.system(business),
    ])

    let handedOff = false
    const messages = this.context.messages(system, transcript)

    let result: TurnResult
    try {
      result = await this.turn.run(business, messages, {
        business,
        sendProductImage:
          options.dryRun || options.source === 'playground'
            ? undefined
            : (product, caption) =>
                this.#sendProductImage(business, conversation, run, product, caption),
        handoff: async (reason) => {
          handedOff = true
          await this.botControl.needHuman(conversation, reason)
        },
      })
    } catch (error) {
      return this.#failed(business, conversation, run, triggers, error)
    }

    /**
     * The last word before anything is stored or sent: the business, the
     * conversation and what was written meanwhile are read again while the
     * turn is recorded, with what sending needs (all in one round trip).
     */
    this.#noteUsage(business, run, result)
    const [, , , meanwhile, recipient] = await Promise.all([
      run.save(),
      conversation.refresh(),
      business.refresh(),
      this.#writtenMeanwhile(conversation, run, triggers, options),
      options.dryRun ? null : this.#recipient(business.id, conversation.id),
    ])
    if (business.monthlyBudgetUsd !== null && (await this.usage.budgetReached(business))) {
      await this.#block(business, 'budget_reached')
    }
    const discard = this.#discardReason(business, conversation, meanwhile, handedOff)
    if (discard) {
      run.merge({ outcome: 'discarded', reason: discard, finishedAt: DateTime.now() })
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
    const pending: Message[] = []
    await db.transaction(async (trx) => {
      const sentAt = DateTime.now()
      for (const [index, part] of parts.entries()) {
        const message = await Message.create(
          {
            businessId: business.id,
            conversationId: conversation.id,
            direction: 'outbound',
            author: 'bot',
            type: 'text',
            body: part,
            status: 'pending',
            agentRunId: run.id,
            sentAt: sentAt.plus({ milliseconds: index }),
          },
          { client: trx }
        )
        pending.push(message)
      }
      await this.#markHandled(triggers, trx)
      conversation.useTransaction(trx)
      if (parts.length > 0) {
        conversation.noteLastMessage({
          at: sentAt,
          text: parts[parts.length - 1],
          direction: 'outbound',
        })
      }
      await conversation.save()
      run.useTransaction(trx)
      run.merge({
        outcome: options.dryRun || parts.length === 0 ? 'replied' : 'replying',
        reply: result.reply,
      })
      if (options.dryRun || parts.length === 0) run.finishedAt = DateTime.now()
      await run.save()
    })

    if (parts.length === 0) {
      return { kind: 'replied', runId: run.id, turn: result, sent: false }
    }
    const sent = await this.#deliver(business, run, { ...recipient!, pending })
    return { kind: 'replied', runId: run.id, turn: result, sent }
  }

  /**
   * The customer's messages the agent has not taken into account yet.
   */
  async #pendingCustomerMessages(conversation: Conversation) {
    return Message.query()
      .where('conversation_id', conversation.id)
      .where('author', 'customer')
      .whereNull('agent_handled_at')
      .orderBy('created_at')
      .orderBy('id')
  }

  /**
   * Marks the turn's trigger messages as taken into account.
   */
  async #markHandled(triggers: Message[], trx?: TransactionClientContract) {
    const query = trx ? Message.query({ client: trx }) : Message.query()
    await query
      .whereIn(
        'id',
        triggers.map((message) => message.id)
      )
      .update({ agentHandledAt: new Date() })
  }

  async #skipReason(
    business: Business,
    conversation: Conversation,
    instance: WhatsappInstance | null,
    options: AnswerOptions
  ): Promise<SkipReason | null> {
    if (!business.botEnabled) return 'bot_disabled'
    if (business.botBlockedReason === 'api_key_rejected') return 'bot_blocked'
    if (!business.hasOpenaiKey) return 'no_api_key'
    const state = conversation.botState(business).state
    if (state === 'needs_human') return 'needs_human'
    if (state === 'paused') return 'conversation_paused'
    if (state === 'paused_until') return 'human_takeover'
    if (!options.dryRun && (!instance || !instance.isPaired())) return 'not_connected'
    if (await this.usage.budgetReached(business)) {
      if (business.botBlockedReason !== 'budget_reached') {
        await this.#block(business, 'budget_reached')
      }
      return 'budget_reached'
    }
    return null
  }

  /**
   * What was written in the conversation since the turn started: a
   * person's message, or the customer's newer ones (answered by the next
   * turn, which sees them all).
   */
  async #writtenMeanwhile(
    conversation: Conversation,
    run: AgentRun,
    triggers: Message[],
    options: AnswerOptions
  ) {
    const [human, newer] = await Promise.all([
      Message.query()
        .where('conversation_id', conversation.id)
        .where('author', 'human')
        .where('created_at', '>', run.createdAt.toJSDate())
        .first(),
      options.source === 'whatsapp'
        ? Message.query()
            .where('conversation_id', conversation.id)
            .where('author', 'customer')
            .whereNull('agent_handled_at')
            .whereNotIn(
              'id',
              triggers.map((message) => message.id)
            )
            .first()
        : null,
    ])
    return { humanWrote: human !== null, customerWroteAgain: newer !== null }
  }

  #discardReason(
    business: Business,
    conversation: Conversation,
    meanwhile: { humanWrote: boolean; customerWroteAgain: boolean },
    handedOff: boolean
  ) {
    if (!business.botEnabled) return 'bot_switched_off'
    if (!conversation.botEnabled) return 'conversation_paused'
    if (conversation.needsHuman && !handedOff) return 'needs_human'
    if (conversation.isBotPaused()) return 'human_took_over'
    if (meanwhile.humanWrote) return 'human_took_over'
    if (meanwhile.customerWroteAgain) return 'newer_customer_messages'
    return null
  }

  /**
   * Where a reply goes: the business's WhatsApp (as it is now) and the
   * conversation's contact.
   */
  async #recipient(businessId: string, conversationId: string) {
    const [instance, contact] = await Promise.all([
      WhatsappInstance.findBy('business_id', businessId),
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
   * Sends the run's pending messages in order, after a "typing…". A turn
   * that just stored them hands them over with where they go; a retried
   * job finds them in the database.
   */
  async #deliver(
    business: Business,
    run: AgentRun,
    known?: { instance: WhatsappInstance | null; contact: Contact; pending: Message[] }
  ): Promise<boolean> {
    const { instance, pending, contact } = known ?? (await this.#pendingDelivery(business, run))

    let allSent = true
    let stopped: string | null = null
    if (instance && instance.isPaired() && pending.length > 0) {
      this.gateway.sendPresence(instance.credentials(), contact.waJid, 1200).catch(() => {})
      for (const [index, message] of pending.entries()) {
        /**
         * Before every part (and before a recovered run's first): a person
         * may have written from the phone while the previous one went out.
         */
        stopped = await this.#stillMaySpeak(business.id, run)
        if (stopped) {
          await this.#discardUnsent(run, pending.slice(index), stopped, index)
          allSent = false
          break
        }
        const delivered = await this.sender.deliver(instance, message)
        allSent &&= !['failed', 'queued'].includes(delivered.status)
      }
      this.#markRead(instance, run, contact.readReceiptJid()).catch((error) => {
        logger.warn({ err: error, runId: run.id }, 'could not send read receipts')
      })
    } else if (pending.length > 0) {
      allSent = false
      await Message.query()
        .whereIn(
          'id',
          pending.map((message) => message.id)
        )
        .update({ status: 'failed', error: 'not_connected', updatedAt: new Date() })
    }

    run.merge({
      outcome: stopped && run.reason === stopped ? 'discarded' : 'replied',
      finishedAt: DateTime.now(),
    })
    await run.save()
    return allSent
  }

  /**
   * The gate before each part of a reply: the business, the conversation
   * and a person's messages since the turn started, read fresh. Null when
   * the bot may still speak; otherwise why not.
   */
  async #stillMaySpeak(businessId: string, run: AgentRun) {
    const [business, conversation, meanwhile] = await Promise.all([
      Business.findOrFail(businessId),
      Conversation.findOrFail(run.conversationId!),
      Message.query()
        .where('conversation_id', run.conversationId!)
        .where('author', 'human')
        .where('created_at', '>', run.createdAt.toJSDate())
        .select('id')
        .first(),
    ])
    const handedOff = (run.toolCalls ?? []).some((call) => call.name === 'handoff_to_human')
    return this.#discardReason(
      business,
      conversation,
      { humanWrote: meanwhile !== null, customerWroteAgain: false },
      handedOff
    )
  }

  /**
   * Parts the gate stopped: never sent, so not kept as messages (the run
   * keeps the whole reply and why the rest was held back); the
   * conversation's preview goes back to its latest message.
   */
  async #discardUnsent(run: AgentRun, unsent: Message[], reason: string, sentBefore: number) {
    await db.transaction(async (trx) => {
      await Message.query({ client: trx })
        .whereIn(
          'id',
          unsent.map((message) => message.id)
        )
        .whereNull('gateway_message_id')
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
    /**
     * Nothing sent: the whole reply was discarded, for this reason;
     * otherwise the run replied and says how many parts it held back.
     */
    run.reason = sentBefore === 0 ? reason : `${reason}: ${unsent.length} parts held back`
    logger.info(
      { runId: run.id, conversationId: run.conversationId, discarded: unsent.length, reason },
      'agent reply parts held back'
    )
  }

  async #pendingDelivery(business: Business, run: AgentRun) {
    const [recipient, pending] = await Promise.all([
      this.#recipient(business.id, run.conversationId!),
      Message.query()
        .where('agent_run_id', run.id)
        .where('status', 'pending')
        .whereNull('gateway_message_id')
        .orderBy('sent_at'),
    ])
    return { ...recipient, pending }
  }

  async #markRead(instance: WhatsappInstance, run: AgentRun, remoteJid: string) {
    const ids = (run.triggerMessageIds ?? []) as string[]
    const messages = await Message.query().whereIn('id', ids).whereNotNull('gateway_message_id')
    if (messages.length === 0) return
    await this.gateway
      .markRead(
        instance.credentials(),
        messages.map((message) => ({ remoteJid, id: message.gatewayMessageId!, fromMe: false }))
      )
      .catch(() => {})
  }

  async #sendProductImage(
    business: Business,
    conversation: Conversation,
    run: AgentRun,
    product: Product,
    caption: string | null
  ) {
    if (!product.imageKey) return { sent: false }
    /**
     * The same gate as every part of a reply: no photo over a person.
     */
    if (await this.#stillMaySpeak(business.id, run)) return { sent: false }
    let key: string
    try {
      key = await this.storage.copyForMessage(product.imageKey, business.id)
    } catch (error) {
      logger.error({ err: error, productId: product.id }, 'could not copy a product photo')
      return { sent: false }
    }
    const extension = key.split('.').pop()
    const mimetype =
      extension === 'png' ? 'image/png' : extension === 'webp' ? 'image/webp' : 'image/jpeg'
    const message = await this.sender.handle({
      business,
      conversation,
      text: caption ?? '',
      media: { kind: 'image', key, mimetype, fileName: `${product.id}.${extension}` },
      author: 'bot',
      agentRunId: run.id,
    })
    return { sent: !['failed', 'queued'].includes(message.status) }
  }

  async #finishSkipped(
    business: Business,
    conversation: Conversation,
    triggers: Message[],
    reason: SkipReason,
    options: AnswerOptions
  ) {
    await this.#markHandled(triggers)
    return AgentRun.create({
      businessId: business.id,
      conversationId: conversation.id,
      source: options.source,
      triggerMessageIds: triggers.map((message) => message.id),
      model: business.openaiModel,
      outcome: 'skipped',
      reason,
      toolCalls: [],
      finishedAt: DateTime.now(),
    })
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

    await this.#markHandled(triggers)
    await this.botControl.needHuman(
      conversation,
      i18n.t(rejected ? 'agent.handoff_key_rejected' : 'agent.handoff_model_down')
    )
    if (rejected) {
      await this.#block(business, 'api_key_rejected')
    }
    run.merge({ outcome: 'failed', reason, finishedAt: DateTime.now() })
    await run.save()
    return { kind: 'failed', reason, runId: run.id }
  }

  async #block(business: Business, reason: 'api_key_rejected' | 'budget_reached') {
    business.botBlockedReason = reason
    business.botBlockedAt = DateTime.now()
    await business.save()
    this.events.broadcast(business.id, {
      type: 'business.updated',
      business: { botBlockedReason: reason },
    })
  }
}

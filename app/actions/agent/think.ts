import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type Business from '#models/business'
import Message from '#models/message'
import { setTimeout as sleep } from 'node:timers/promises'
import AnswerConversation, {
  type AnswerResult,
  type SkipReason,
} from '#actions/agent/answer_conversation'
import UserError from '#exceptions/user_error'
import { findOrCreateConversationWithPhone } from '#actions/whatsapp/conversations'
import { whatsappDigitsOrFail } from '#services/whatsapp/phone_numbers'
import { estimateCost } from '#services/agent/pricing'

/**
 * POST /agent/think: one turn, now, for a phone's conversation. The
 * customer's message and the reply are logged like WhatsApp ones; the
 * reply goes out through WhatsApp unless it is a dry run.
 */
@inject()
export default class Think {
  constructor(private answer: AnswerConversation) {}

  async handle(params: { business: Business; phone: string; text: string; dryRun: boolean }) {
    const phone = whatsappDigitsOrFail(params.phone, params.business.country)

    const { conversation, message } = await db.transaction(async (trx) => {
      const found = await findOrCreateConversationWithPhone(trx, {
        businessId: params.business.id,
        phone,
      })
      const now = DateTime.now()
      const created = await Message.create(
        {
          businessId: params.business.id,
          conversationId: found.id,
          direction: 'inbound',
          author: 'customer',
          type: 'text',
          body: params.text,
          status: 'received',
          sentAt: now,
        },
        { client: trx }
      )
      found.useTransaction(trx)
      found.noteLastMessage({ at: now, text: params.text, direction: 'inbound' })
      await found.save()
      return { conversation: found, message: created }
    })

    const result = await this.#answerInTurn(
      params.business,
      conversation.id,
      message.id,
      params.dryRun
    )

    switch (result.kind) {
      case 'replied': {
        const run = await params.business
          .related('agentRuns')
          .query()
          .where('id', result.runId)
          .firstOrFail()
        return {
          reply: result.turn.reply,
          sent: result.sent,
          toolCalls: result.turn.toolCalls,
          usage: {
            promptTokens: result.turn.usage.promptTokens,
            completionTokens: result.turn.usage.completionTokens,
            costUsd: run.costUsd ?? estimateCost(run.model, run.promptTokens, run.completionTokens),
          },
          runId: result.runId,
          conversationId: conversation.id,
        }
      }
      case 'skipped':
        return {
          reply: null,
          sent: false,
          skipped: result.reason,
          runId: result.runId,
          conversationId: conversation.id,
        }
      case 'discarded':
        return {
          reply: null,
          sent: false,
          discarded: result.reason,
          runId: result.runId,
          conversationId: conversation.id,
        }
      case 'failed':
        return {
          reply: null,
          sent: false,
          failed: result.reason,
          runId: result.runId,
          conversationId: conversation.id,
        }
      default:
        return { reply: null, sent: false, conversationId: conversation.id }
    }
  }

  /**
   * The turn, in its place among the conversation's: while another turn
   * (a WhatsApp job) holds the conversation, this one waits for it. That
   * turn may have answered this message too: then its reply is this
   * answer.
   */
  async #answerInTurn(
    business: Business,
    conversationId: string,
    messageId: string,
    dryRun: boolean
  ) {
    const deadline = Date.now() + THINK_WAIT_MS
    for (;;) {
      const result = await this.answer.handle(conversationId, {
        source: 'api',
        dryRun,
        ignoreDelay: true,
      })
      if (result.kind === 'nothing_to_answer') {
        return (await this.#answeredBy(business, messageId)) ?? result
      }
      if (result.kind !== 'busy') return result
      if (Date.now() > deadline) {
        throw new UserError('agent_ui.errors.busy', { status: 409 })
      }
      await sleep(THINK_POLL_MS)
    }
  }

  /**
   * The result of the turn that answered a message, as this action
   * reports it.
   */
  async #answeredBy(business: Business, messageId: string): Promise<AnswerResult | null> {
    const run = await business
      .related('agentRuns')
      .query()
      .whereRaw('trigger_message_ids @> ?::jsonb', [JSON.stringify([messageId])])
      .whereIn('outcome', ['replied', 'skipped', 'discarded', 'failed'])
      .orderBy('created_at', 'desc')
      .first()
    if (!run) return null
    if (run.outcome === 'replied') {
      const sent = await business
        .related('messages')
        .query()
        .where('agent_run_id', run.id)
        .whereIn('status', ['sent', 'delivered', 'read'])
        .select('id')
        .first()
      return {
        kind: 'replied',
        runId: run.id,
        sent: sent !== null,
        turn: {
          reply: run.reply ?? '',
          toolCalls: run.toolCalls,
          usage: { promptTokens: run.promptTokens, completionTokens: run.completionTokens },
          modelCalls: run.modelCalls,
          latencyMs: run.latencyMs ?? 0,
        },
      }
    }
    if (run.outcome === 'skipped') {
      return { kind: 'skipped', reason: run.reason as SkipReason, runId: run.id }
    }
    return { kind: run.outcome, reason: run.reason ?? '', runId: run.id } as AnswerResult
  }
}

/**
 * How long the API waits for another turn of the conversation to finish,
 * looking this often.
 */
const THINK_WAIT_MS = 60_000
const THINK_POLL_MS = 250

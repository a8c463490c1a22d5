import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type Business from '#models/business'
import Message from '#models/message'
import AnswerConversation from '#actions/agent/answer_conversation'
import { findOrCreateConversationWithPhone } from '#actions/whatsapp/conversations'
import { whatsappDigitsOrFail } from '#services/whatsapp/phone_numbers'
import { estimateCost } from '#services/agent/pricing'
import AgentRun from '#models/agent_run'

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

    const conversation = await db.transaction(async (trx) => {
      const found = await findOrCreateConversationWithPhone(trx, {
        businessId: params.business.id,
        phone,
      })
      const now = DateTime.now()
      await Message.create(
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
      return found
    })

    const result = await this.answer.handle(conversation.id, {
      source: 'api',
      dryRun: params.dryRun,
      ignoreDelay: true,
    })

    switch (result.kind) {
      case 'replied': {
        const run = await AgentRun.findOrFail(result.runId)
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
}

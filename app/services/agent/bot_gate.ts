import { inject } from '@adonisjs/core'
import type Business from '#models/business'
import type Conversation from '#models/conversation'
import type WhatsappInstance from '#models/whatsapp_instance'
import type AgentRun from '#models/agent_run'
import { AgentUsage } from '#services/agent/agent_usage'
import {
  businessBotStatus,
  gateReason,
  type BusinessBotStatus,
  type GateReason,
} from '#shared/bot_status'

/**
 * The gate: "may the bot speak in this conversation now?", answered from
 * the database as it is at the moment of asking. The rule itself is
 * #shared/bot_status (pages use it too); this reads its facts. The agent
 * asks before a turn, before storing a reply, before each part and photo
 * it sends, and before delivering a recovered run.
 */
@inject()
export class BotGate {
  constructor(private usage: AgentUsage) {}

  /**
   * The business's bot as its owner should see it: on, or off and why.
   * The budget is read live (a new month lifts a reached budget), and a
   * stale "budget reached" mark is cleared.
   */
  async businessStatus(
    business: Business,
    options: {
      instance?: WhatsappInstance | null
      needsWhatsapp?: boolean
      /**
       * A reply already paid for may go out over a budget it reached.
       */
      ignoreBudget?: boolean
    } = {}
  ): Promise<BusinessBotStatus> {
    const instance = options.instance !== undefined ? options.instance : await business.whatsapp()
    const budgetReached = options.ignoreBudget ? false : await this.#budgetReached(business)
    return businessBotStatus({
      botEnabled: business.botEnabled,
      hasOpenaiKey: business.hasOpenaiKey,
      botBlockedReason: budgetReached
        ? 'budget_reached'
        : business.botBlockedReason === 'api_key_rejected'
          ? 'api_key_rejected'
          : null,
      whatsappConnected: options.needsWhatsapp === false || (instance?.isPaired() ?? false),
    })
  }

  /**
   * Null when the bot may speak in the conversation; otherwise why not.
   * With a run (its reply is written), a person's message written since
   * the run started stops it too, and neither the run's own handoff nor
   * the budget its cost reached does.
   */
  async reason(
    business: Business,
    conversation: Conversation,
    options: {
      instance?: WhatsappInstance | null
      needsWhatsapp?: boolean
      run?: AgentRun
    } = {}
  ): Promise<GateReason | null> {
    const { run } = options
    const [status, personWrote] = await Promise.all([
      this.businessStatus(business, { ...options, ignoreBudget: run !== undefined }),
      run ? this.#personWroteSince(conversation, run) : false,
    ])
    return gateReason(
      status,
      {
        needsHuman: conversation.needsHuman,
        botEnabled: conversation.botEnabled,
        botPausedUntil: conversation.botPausedUntil?.toISO() ?? null,
      },
      {
        nowMs: Date.now(),
        personWroteSinceStart: personWrote,
        handedOffThisTurn: (run?.toolCalls ?? []).some((call) => call.name === 'handoff_to_human'),
      }
    )
  }

  async #budgetReached(business: Business) {
    if (business.monthlyBudgetUsd === null) {
      return false
    }
    const reached = await this.usage.budgetReached(business)
    if (!reached && business.botBlockedReason === 'budget_reached') {
      business.botBlockedReason = null
      business.botBlockedAt = null
      await business.save()
    }
    return reached
  }

  async #personWroteSince(conversation: Conversation, run: AgentRun) {
    const message = await conversation
      .related('messages')
      .query()
      .where('author', 'human')
      .where('created_at', '>', run.createdAt.toJSDate())
      .select('id')
      .first()
    return message !== null
  }
}

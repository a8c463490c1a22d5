import { inject } from '@adonisjs/core'
import { BaseTransformer } from '@adonisjs/core/transformers'
import type Business from '#models/business'
import type WhatsappInstance from '#models/whatsapp_instance'
import MediaStorage from '#services/media_storage'
import { BotGate } from '#services/agent/bot_gate'
import type { BusinessBotStatus } from '#shared/bot_status'

/**
 * What pages and API clients see of a business. The OpenAI key itself is
 * never part of it: only whether one is stored and its last 4 characters.
 * The logo is a signed, time-limited URL (or null). `botStatus` says
 * whether the bot answers customers now, or why not (BotGate).
 */
export default class BusinessTransformer extends BaseTransformer<Business> {
  @inject()
  async toObject(storage: MediaStorage, gate: BotGate) {
    const instance = await this.resource.whatsapp()
    const status = await gate.businessStatus(this.resource, { instance })
    return {
      ...this.pick(this.resource, [
        'id',
        'name',
        'description',
        'industry',
        'currency',
        'timezone',
        'country',
        'locale',
        'openaiModel',
        'openaiBaseUrl',
        'botEnabled',
        'understandMedia',
        'unheardAudio',
        'transcriptionModel',
      ]),
      logoUrl: await storage.urlFor(this.resource.logoKey),
      openaiKeyLast4: this.resource.openaiKeySuffix,
      hasOpenaiKey: this.resource.hasOpenaiKey,
      openaiKeyVerifiedAt: this.resource.openaiKeyVerifiedAt?.toISO() ?? null,
      ...botFacts(this.resource, status, instance),
      role: (this.resource.$extras.pivot_role as string | undefined) ?? null,
      createdAt: this.resource.createdAt.toISO()!,
      updatedAt: this.resource.updatedAt.toISO()!,
    }
  }
}

/**
 * The business's bot status and the facts it comes from besides
 * `botEnabled` and `hasOpenaiKey`: why the agent stopped (the provider
 * rejected the key, the budget is reached) and whether WhatsApp is
 * connected. A page recomputes the status from them with
 * #shared/bot_status when one changes (the switch, a live event).
 *
 * `botBlockedReason` is the one the gate read (the budget is live); when
 * an earlier reason hides it (the switch is off, there is no key), it is
 * the business's stored mark.
 */
export function botFacts(
  business: Business,
  status: BusinessBotStatus,
  instance: WhatsappInstance | null
) {
  const hidden = status.reason === 'bot_disabled' || status.reason === 'no_api_key'
  const stored =
    business.botBlockedReason === 'api_key_rejected' ||
    business.botBlockedReason === 'budget_reached'
      ? business.botBlockedReason
      : null
  return {
    botStatus: status,
    botBlockedReason:
      status.reason === 'api_key_rejected' || status.reason === 'budget_reached'
        ? status.reason
        : hidden
          ? stored
          : null,
    whatsappConnected: instance?.isPaired() ?? false,
  }
}

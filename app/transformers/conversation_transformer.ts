import { BaseTransformer } from '@adonisjs/core/transformers'
import type Conversation from '#models/conversation'
import ContactTransformer from '#transformers/contact_transformer'
import type { BusinessBotStatus } from '#shared/bot_status'

/**
 * A conversation as the inbox list and API clients see it. `bot` is what
 * the bot does there now (`on`, `paused_until` a time, `paused`,
 * `needs_human`, `off_business` and why), which depends on the business's
 * bot status (BotGate.businessStatus).
 */
export default class ConversationTransformer extends BaseTransformer<Conversation> {
  constructor(
    resource: Conversation,
    protected businessBot: BusinessBotStatus
  ) {
    super(resource)
  }

  toObject() {
    return {
      ...this.pick(this.resource, [
        'id',
        'status',
        'unreadCount',
        'lastMessagePreview',
        'lastMessageDirection',
        'botEnabled',
        'needsHuman',
        'handoffReason',
      ]),
      lastMessageAt: this.resource.lastMessageAt?.toISO() ?? null,
      botPausedUntil: this.resource.botPausedUntil?.toISO() ?? null,
      bot: this.resource.botState(this.businessBot),
      contact: ContactTransformer.transform(this.whenLoaded(this.resource.contact)),
      createdAt: this.resource.createdAt.toISO()!,
    }
  }
}

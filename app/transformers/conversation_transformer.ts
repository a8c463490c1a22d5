import { BaseTransformer } from '@adonisjs/core/transformers'
import type Conversation from '#models/conversation'
import ContactTransformer from '#transformers/contact_transformer'

/**
 * A conversation as the inbox list and API clients see it. `bot` is what
 * the bot does there now (`on`, `paused_until` a time, `paused`,
 * `needs_human`, `off_business`), which depends on the business's switch.
 */
export default class ConversationTransformer extends BaseTransformer<Conversation> {
  constructor(
    resource: Conversation,
    protected business: { botEnabled: boolean }
  ) {
    super(resource)
  }

  toObject() {
    const bot = this.resource.botState(this.business)
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
      bot: { state: bot.state, until: bot.until?.toISO() ?? null },
      contact: ContactTransformer.transform(this.whenLoaded(this.resource.contact)),
      createdAt: this.resource.createdAt.toISO()!,
    }
  }
}

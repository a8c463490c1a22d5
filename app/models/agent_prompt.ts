import { AgentPromptSchema } from '#database/schema'
import { belongsTo, scope } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Business from '#models/business'
import User from '#models/user'

/**
 * How a version came to be: Atiende's default for a new business, an
 * edit, or the restore of an earlier version (`restoredFromVersion`).
 */
export type PromptSource = 'default' | 'edit' | 'restore'

/**
 * One saved version of a business's master prompt: the instructions its
 * AI agent follows. Versions are never changed; the highest is current.
 */
export default class AgentPrompt extends AgentPromptSchema {
  declare source: PromptSource

  @belongsTo(() => Business)
  declare business: BelongsTo<typeof Business>

  /**
   * Who saved it; null for Atiende's default (or a deleted account).
   */
  @belongsTo(() => User, { foreignKey: 'authorId' })
  declare author: BelongsTo<typeof User>

  /**
   * Versions of the businesses the user is a member of: another tenant's
   * id finds nothing.
   */
  static ofMember = scope((query, user: User) => {
    query.whereIn('business_id', (members) =>
      members.from('business_members').select('business_id').where('user_id', user.id)
    )
  })

  static newestFirst = scope((query) => {
    query.orderBy('version', 'desc')
  })
}

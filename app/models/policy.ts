import { PolicySchema } from '#database/schema'
import { belongsTo, column, hasMany, scope } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import Business from '#models/business'
import Faq from '#models/faq'
import type User from '#models/user'
import { OpeningHours, type WeeklyHours } from '#services/opening_hours'

/**
 * A business's policies: shipping, refunds, the voice of its brand and
 * its weekly opening hours. One per business.
 */
export default class Policy extends PolicySchema {
  /**
   * Seven days of "HH:MM" ranges in the business's time zone, or null
   * when the owner has not given any.
   */
  @column({
    prepare: (value: WeeklyHours | null) => (value === null ? null : JSON.stringify(value)),
  })
  declare allowedHours: WeeklyHours | null

  @belongsTo(() => Business)
  declare business: BelongsTo<typeof Business>

  /**
   * The business's frequently asked questions (kept by business, saved
   * with its policy).
   */
  @hasMany(() => Faq, { localKey: 'businessId', foreignKey: 'businessId' })
  declare faqs: HasMany<typeof Faq>

  /**
   * Policies of the businesses the user is a member of: another tenant's
   * id finds nothing.
   */
  static ofMember = scope((query, user: User) => {
    query.whereIn('business_id', (members) =>
      members.from('business_members').select('business_id').where('user_id', user.id)
    )
  })

  openingHours(timezone: string): OpeningHours | null {
    return this.allowedHours ? new OpeningHours(this.allowedHours, timezone) : null
  }
}

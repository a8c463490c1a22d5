import { FaqSchema } from '#database/schema'
import { belongsTo } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Business from '#models/business'

/**
 * A question customers often ask and the business's answer, in the order
 * the owner chose (`position`, from 0).
 */
export default class Faq extends FaqSchema {
  @belongsTo(() => Business)
  declare business: BelongsTo<typeof Business>
}

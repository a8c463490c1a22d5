import { ProductSchema } from '#database/schema'
import { belongsTo } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { errors } from '@adonisjs/lucid'
import db from '@adonisjs/lucid/services/db'
import Business from '#models/business'
import { isUuid } from '#models/user'
import type User from '#models/user'

/**
 * A product of a business's catalog. `price` is the exact decimal string
 * PostgreSQL stores (numeric(12,2), always two decimals: "1999.90"); it is
 * never turned into a JavaScript number.
 */
export default class Product extends ProductSchema {
  @belongsTo(() => Business)
  declare business: BelongsTo<typeof Business>

  /**
   * A product of this business, or a 404 for any other id.
   */
  static async findInBusinessOrFail(business: Business, id: unknown) {
    if (typeof id !== 'string' || !isUuid(id)) {
      throw new errors.E_ROW_NOT_FOUND()
    }
    return business.related('products').query().where('id', id).firstOrFail()
  }

  /**
   * A product of one of the user's businesses, with that business (and
   * the user's role in it), or a 404: another tenant's product and a
   * missing one look the same.
   */
  static async findForUserOrFail(user: User, id: unknown) {
    if (typeof id !== 'string' || !isUuid(id)) {
      throw new errors.E_ROW_NOT_FOUND()
    }
    const businessIds = db.from('business_members').where('user_id', user.id).select('business_id')
    const product = await Product.query()
      .where('id', id)
      .whereIn('business_id', businessIds)
      .firstOrFail()
    const business = await user.findBusinessOrFail(product.businessId)
    return { product, business }
  }
}

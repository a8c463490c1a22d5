import { UserSchema } from '#database/schema'
import hash from '@adonisjs/core/services/hash'
import { compose } from '@adonisjs/core/helpers'
import { column, manyToMany } from '@adonisjs/lucid/orm'
import type { ManyToMany } from '@adonisjs/lucid/types/relations'
import { errors } from '@adonisjs/lucid'
import { withAuthFinder } from '@adonisjs/auth/mixins/lucid'
import { DbAccessTokensProvider } from '@adonisjs/auth/access_tokens'
import Business from '#models/business'
import { noteBusinessInLogs } from '#services/request_log'

const AuthFinder = withAuthFinder(() => hash.use('scrypt'), {
  uids: ['email'],
  passwordColumnName: 'password',
})

export default class User extends compose(UserSchema, AuthFinder) {
  static accessTokens = DbAccessTokensProvider.forModel(User, {
    prefix: 'atd_',
    expiresIn: '90 days',
  })

  @column({ serializeAs: null })
  declare password: string

  /**
   * The businesses this user works in, through business_members.
   * Every tenant read starts from this relation.
   */
  @manyToMany(() => Business, {
    pivotTable: 'business_members',
    pivotColumns: ['role'],
    pivotTimestamps: true,
  })
  declare businesses: ManyToMany<typeof Business>

  /**
   * One of the user's businesses, or a 404 (E_ROW_NOT_FOUND) for any other
   * id: another tenant's business and a missing one look the same.
   */
  async findBusinessOrFail(businessId: unknown): Promise<Business> {
    if (typeof businessId !== 'string' || !isUuid(businessId)) {
      throw new errors.E_ROW_NOT_FOUND()
    }
    const business = await (this as User)
      .related('businesses')
      .query()
      .where('businesses.id', businessId)
      .firstOrFail()
    noteBusinessInLogs(business.id)
    return business
  }
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid(value: string) {
  return UUID_PATTERN.test(value)
}

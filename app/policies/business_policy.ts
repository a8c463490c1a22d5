import { BasePolicy } from '@adonisjs/bouncer'
import type User from '#models/user'
import type Business from '#models/business'

/**
 * Businesses reach a policy only through the user's own memberships (a
 * foreign business is already a 404); the policy decides what each role
 * may do inside.
 */
export default class BusinessPolicy extends BasePolicy {
  view(_user: User, business: Business) {
    return business.$extras.pivot_role !== undefined
  }

  /**
   * Profile, AI key, bot switch: the owner's decisions.
   */
  manage(_user: User, business: Business) {
    return business.$extras.pivot_role === 'owner'
  }

  /**
   * Writing to customers as a person (the inbox, POST /wa/:id/send):
   * every member.
   */
  sendMessages(_user: User, business: Business) {
    return business.$extras.pivot_role !== undefined
  }

  /**
   * The agent on demand (POST /agent/think, the playground's turns): it
   * spends the owner's key (and /agent/think can write to any number), so
   * it is the owner's.
   */
  useAgentApi(_user: User, business: Business) {
    return business.$extras.pivot_role === 'owner'
  }
}

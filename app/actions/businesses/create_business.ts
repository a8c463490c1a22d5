import db from '@adonisjs/lucid/services/db'
import Business, { DEFAULT_OPENAI_MODEL } from '#models/business'
import BusinessMember from '#models/business_member'
import AgentPrompt from '#models/agent_prompt'
import type User from '#models/user'
import { defaultPromptFor } from '#services/default_prompt'

export type CreateBusinessParams = {
  owner: User
  name: string
  industry?: string
  description?: string
  currency?: string
  timezone?: string
  country?: string
  locale?: string
}

/**
 * A new business, its owner's membership and the first version of its
 * agent's master prompt (written by Atiende from the profile), together
 * or not at all.
 */
export default class CreateBusiness {
  async handle({ owner, ...profile }: CreateBusinessParams) {
    return db.transaction(async (trx) => {
      const business = await Business.create(
        {
          name: profile.name,
          industry: profile.industry ?? null,
          description: profile.description ?? null,
          currency: profile.currency ?? 'MXN',
          timezone: profile.timezone ?? 'America/Mexico_City',
          country: profile.country ?? 'MX',
          locale: profile.locale ?? owner.locale ?? 'es',
          openaiModel: DEFAULT_OPENAI_MODEL,
          openaiApiKey: null,
          openaiBaseUrl: null,
          botEnabled: true,
        },
        { client: trx }
      )
      await BusinessMember.create(
        { businessId: business.id, userId: owner.id, role: 'owner' },
        { client: trx }
      )
      await AgentPrompt.create(
        {
          businessId: business.id,
          version: 1,
          content: defaultPromptFor(business),
          authorId: null,
          source: 'default',
          restoredFromVersion: null,
        },
        { client: trx }
      )
      business.$extras.pivot_role = 'owner'
      return business
    })
  }
}

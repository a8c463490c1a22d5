import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type Business from '#models/business'
import Policy from '#models/policy'
import UserError from '#exceptions/user_error'
import { normalizeHours, type TimeRange, type Weekday } from '#services/opening_hours'
import { readHoursText } from '#services/hours_text'

/**
 * What a request may change. An omitted field stays as it is; null
 * clears a text or the hours; `faqs` replaces the whole ordered list.
 */
export type PolicyChanges = {
  shippingPolicy?: string | null
  refundPolicy?: string | null
  brandVoice?: string | null
  /**
   * The week, or the hours as text ("Lun-Sáb 9:00-19:00", as the seed's
   * API took them): read into the week when it can be, else kept as the
   * text the agent reads (hoursNote).
   */
  allowedHours?: Partial<Record<Weekday, TimeRange[]>> | string | null
  faqs?: { question: string; answer: string }[]
}

export type SavePolicyParams = {
  business: Business
  changes: PolicyChanges
  /**
   * 'create' refuses (409) when the business already has its policy;
   * 'upsert' updates it, or creates it when there is none yet.
   */
  mode: 'create' | 'upsert'
}

const UNIQUE_VIOLATION = '23505'

/**
 * Saves a business's policy and its FAQs together, or nothing.
 */
export default class SavePolicy {
  async handle({ business, changes, mode }: SavePolicyParams): Promise<Policy> {
    try {
      const saved = await db.transaction(async (trx) => {
        business.useTransaction(trx)
        const existing = await business.related('policy').query().first()
        if (existing && mode === 'create') {
          throw alreadyExists()
        }
        const policy =
          existing ??
          new Policy().merge({
            businessId: business.id,
            shippingPolicy: null,
            refundPolicy: null,
            brandVoice: null,
            allowedHours: null,
            hoursNote: null,
          })
        return this.#apply(policy, changes, trx)
      })
      await saved.load('faqs', (query) => query.orderBy('position'))
      return saved
    } catch (error) {
      /**
       * Two first saves at the same time: the database keeps one.
       */
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        throw alreadyExists()
      }
      throw error
    }
  }

  async #apply(policy: Policy, changes: PolicyChanges, trx: TransactionClientContract) {
    policy.useTransaction(trx)
    const { faqs, allowedHours, ...texts } = changes
    for (const [field, value] of Object.entries(texts)) {
      if (value !== undefined) {
        policy.merge({ [field]: value === '' ? null : value })
      }
    }
    if (typeof allowedHours === 'string') {
      const text = allowedHours.trim()
      const week = text ? readHoursText(text) : null
      policy.allowedHours = week
      policy.hoursNote = week || !text ? null : text
    } else if (allowedHours !== undefined) {
      policy.allowedHours = allowedHours === null ? null : normalizeHours(allowedHours)
      policy.hoursNote = null
    }
    await policy.save()

    if (faqs) {
      await policy.related('faqs').query().delete()
      await policy
        .related('faqs')
        .createMany(
          faqs.map((faq, position) => ({ question: faq.question, answer: faq.answer, position }))
        )
    }
    return policy
  }
}

function alreadyExists() {
  return new UserError('knowledge.policies.errors.already_exists', { status: 409 })
}

import { BaseTransformer } from '@adonisjs/core/transformers'
import type Policy from '#models/policy'
import { OpeningHours } from '#services/opening_hours'

/**
 * A business's policies as pages and API clients see them: the hours
 * both structured (every day present, ranges sorted) and as a sentence in
 * the reader's language (or the owner's own text, when it could not be
 * read into the week), and the FAQs in order.
 *
 * Expects `business` (for its time zone) and `faqs` to be loaded.
 */
export default class PolicyTransformer extends BaseTransformer<Policy> {
  constructor(
    resource: Policy,
    protected locale: string
  ) {
    super(resource)
  }

  toObject() {
    const policy = this.resource
    const timezone = policy.business.timezone
    const hours = policy.allowedHours ? new OpeningHours(policy.allowedHours, timezone) : null

    return {
      id: policy.id,
      businessId: policy.businessId,
      shippingPolicy: policy.shippingPolicy,
      refundPolicy: policy.refundPolicy,
      brandVoice: policy.brandVoice,
      allowedHours: hours?.hours ?? null,
      allowedHoursText: hours?.describe(this.locale === 'en' ? 'en' : 'es') ?? policy.hoursNote,
      /**
       * How the hours are kept: as the week (the agent knows when the shop
       * is open), as the owner's text (it reads it as written), or not
       * given.
       */
      allowedHoursReadAs: hours ? ('week' as const) : policy.hoursNote ? ('text' as const) : null,
      hoursNote: policy.hoursNote,
      timezone,
      faqs: policy.faqs.map((faq) => ({ question: faq.question, answer: faq.answer })),
      createdAt: policy.createdAt.toISO()!,
      updatedAt: policy.updatedAt.toISO()!,
    }
  }
}

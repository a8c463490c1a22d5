import { DateTime } from 'luxon'
import i18nManager from '@adonisjs/i18n/services/main'
import type Business from '#models/business'
import type Faq from '#models/faq'
import type Policy from '#models/policy'
import type { OpeningHours } from '#services/opening_hours'

export type Knowledge = {
  policy: Policy | null
  /**
   * Null when the owner has not given opening hours.
   */
  hours: OpeningHours | null
  faqs: Faq[]
}

/**
 * What the AI agent knows about a business besides its master prompt:
 * policies, opening hours (read in the business's time zone) and FAQs,
 * and the compact text of all of it for the system prompt, in the
 * business's language.
 */
export default class BusinessKnowledge {
  async load(business: Business): Promise<Knowledge> {
    const policy = await business
      .related('policy')
      .query()
      .preload('faqs', (query) => query.orderBy('position'))
      .first()
    return {
      policy,
      hours: policy?.openingHours(business.timezone) ?? null,
      faqs: policy?.faqs ?? [],
    }
  }

  /**
   * Whether the business is open at a moment; null when it has not said
   * its hours (the agent must not guess).
   */
  async isOpenAt(business: Business, at: DateTime): Promise<boolean | null> {
    const { hours } = await this.load(business)
    return hours ? hours.isOpenAt(at) : null
  }

  /**
   * The first moment at or after `at` when the business is open, in its
   * time zone; null when it has no hours or never opens.
   */
  async nextOpeningAt(business: Business, at: DateTime): Promise<DateTime | null> {
    const { hours } = await this.load(business)
    return hours?.nextOpening(at) ?? null
  }

  /**
   * The version of the master prompt the agent follows.
   */
  async masterPrompt(business: Business): Promise<string> {
    const current = await business
      .related('agentPrompts')
      .query()
      .withScopes((scopes) => scopes.newestFirst())
      .firstOrFail()
    return current.content
  }

  /**
   * The system prompt: the master prompt, then the business's knowledge.
   */
  async systemPrompt(business: Business, now: DateTime = DateTime.now()): Promise<string> {
    const [master, context] = await Promise.all([
      this.masterPrompt(business),
      this.promptContext(business, now),
    ])
    return `${master}\n\n${context}`
  }

  /**
   * Opening hours (with whether the business is open `now`), shipping,
   * refunds, brand voice and FAQs as short titled sections. Sections the
   * owner left empty are left out; unknown hours are said to be unknown.
   */
  async promptContext(business: Business, now: DateTime = DateTime.now()): Promise<string> {
    const locale = business.locale === 'en' ? 'en' : 'es'
    const i18n = i18nManager.locale(locale)
    const t = (key: string, data?: Record<string, unknown>) =>
      i18n.t(`knowledge.agent_context.${key}`, data)
    const { policy, hours, faqs } = await this.load(business)

    const sections: string[] = []
    const section = (title: string, body: string | null | undefined) => {
      if (body?.trim()) {
        sections.push(`## ${title}\n${body.trim()}`)
      }
    }

    section(
      t('hours_title'),
      hours
        ? [
            t('hours', { hours: hours.describe(locale), timezone: business.timezone }),
            this.#status(hours, now, locale, t),
          ].join('\n')
        : policy?.hoursNote
          ? t('hours_note', { note: policy.hoursNote, timezone: business.timezone })
          : t('hours_unknown')
    )
    section(t('shipping_title'), policy?.shippingPolicy)
    section(t('refund_title'), policy?.refundPolicy)
    section(t('brand_voice_title'), policy?.brandVoice)
    section(
      t('faqs_title'),
      faqs.map((faq) => t('faq', { question: faq.question, answer: faq.answer })).join('\n')
    )

    return sections.join('\n\n')
  }

  #status(
    hours: OpeningHours,
    now: DateTime,
    locale: 'es' | 'en',
    t: (key: string, data?: Record<string, unknown>) => string
  ) {
    const format = (moment: DateTime) =>
      moment
        .setZone(hours.timezone)
        .setLocale(locale === 'en' ? 'en-US' : 'es-MX')
        .toLocaleString({
          weekday: 'long',
          day: 'numeric',
          month: 'long',
          hour: 'numeric',
          minute: '2-digit',
          hour12: locale === 'en',
        })
        .replace(/\s/g, ' ')

    if (hours.isOpenAt(now)) {
      const closing = hours.nextClosing(now)
      return closing
        ? t('open_now', { now: format(now), closes: format(closing) })
        : t('open_always', { now: format(now) })
    }
    const opening = hours.nextOpening(now)
    return opening
      ? t('closed_now', { now: format(now), opens: format(opening) })
      : t('closed_always', { now: format(now) })
  }
}

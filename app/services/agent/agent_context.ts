import { DateTime } from 'luxon'
import i18nManager from '@adonisjs/i18n/services/main'
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages'
import agentConfig from '#config/agent'
import type Business from '#models/business'
import Message from '#models/message'
import BusinessKnowledge from '#services/business_knowledge'

/**
 * A message of the conversation as the model sees it.
 */
export type TranscriptEntry = { role: 'customer' | 'business'; text: string }

/**
 * The prompt of a turn, bounded: the master prompt, the business's profile
 * and knowledge (policies, hours with open/closed now, FAQs), the current
 * time in its time zone, the fixed rules, then the conversation's recent
 * messages within a token budget. The catalog is reached through tools,
 * never pasted: the prompt does not grow with it.
 */
export class AgentContext {
  constructor(private knowledge: BusinessKnowledge = new BusinessKnowledge()) {}

  async system(business: Business, now = DateTime.now()): Promise<SystemMessage> {
    const locale = business.locale === 'en' ? 'en' : 'es'
    const i18n = i18nManager.locale(locale)
    const t = (key: string, data?: Record<string, unknown>) => i18n.t(`agent.${key}`, data)
    const localNow = now.setZone(business.timezone).setLocale(locale === 'en' ? 'en-US' : 'es-MX')

    const profile = [
      `## ${t('profile.title')}`,
      t('profile.name', { name: business.name }),
      business.industry ? t('profile.industry', { industry: business.industry }) : null,
      business.description ? t('profile.description', { description: business.description }) : null,
      t('profile.currency', { currency: business.currency }),
      t('profile.now', {
        now: localNow.toLocaleString(DateTime.DATETIME_FULL),
        timezone: business.timezone,
      }),
    ]
      .filter(Boolean)
      .join('\n')

    const knowledge = await this.knowledge.systemPrompt(business, now)
    const rules = `## ${t('rules.title')}\n${t('rules.list')}`
    return new SystemMessage([knowledge, profile, rules].join('\n\n'))
  }

  /**
   * The conversation's latest messages that fit the budget, oldest first.
   */
  async history(business: Business, conversationId: string): Promise<TranscriptEntry[]> {
    const recent = await Message.query()
      .where('business_id', business.id)
      .where('conversation_id', conversationId)
      .whereNot('status', 'failed')
      .whereNull('deleted_at')
      .orderBy('sent_at', 'desc')
      .orderBy('created_at', 'desc')
      .limit(agentConfig.memoryMaxMessages)

    const locale = business.locale === 'en' ? 'en' : 'es'
    const i18n = i18nManager.locale(locale)
    return fitBudget(
      recent.map((message) => ({
        role: message.direction === 'inbound' ? 'customer' : 'business',
        text: describe(message, (key, data) => i18n.t(`agent.${key}`, data)),
      }))
    ).reverse()
  }

  messages(system: SystemMessage, transcript: TranscriptEntry[]): BaseMessage[] {
    return [
      system,
      ...transcript.map((entry) =>
        entry.role === 'customer' ? new HumanMessage(entry.text) : new AIMessage(entry.text)
      ),
    ]
  }
}

/**
 * Keeps the newest entries (first in the list) within the token budget,
 * estimating about 3.5 characters a token.
 */
export function fitBudget(newestFirst: TranscriptEntry[]) {
  const kept: TranscriptEntry[] = []
  let tokens = 0
  for (const entry of newestFirst) {
    const cost = Math.ceil(entry.text.length / 3.5) + 4
    if (kept.length > 0 && tokens + cost > agentConfig.memoryTokenBudget) break
    kept.push(entry.text.length > 4000 ? { ...entry, text: entry.text.slice(0, 4000) } : entry)
    tokens += cost
  }
  return kept
}

/**
 * A message as text for the model: its current words (after edits), what
 * it replies to, and for what is not text a line saying what it is, with
 * the place or the numbers a card carries.
 */
function describe(message: Message, t: (key: string, data?: Record<string, unknown>) => string) {
  const words = [content(message, t)]
  if (message.quotedText) words.unshift(t('quote', { text: message.quotedText.slice(0, 200) }))
  return words.join(' ')
}

function content(message: Message, t: (key: string, data?: Record<string, unknown>) => string) {
  if (message.type === 'text') return message.body ?? ''
  const kinds = ['image', 'audio', 'video', 'document', 'sticker', 'location', 'contact']
  const placeholder = t(`media.${kinds.includes(message.type) ? message.type : 'other'}`)
  const meta = message.meta ?? {}

  if (message.type === 'location') {
    const place = meta as { latitude?: number; longitude?: number }
    const where =
      typeof place.latitude === 'number' && typeof place.longitude === 'number'
        ? `(${place.latitude}, ${place.longitude})`
        : ''
    return [placeholder, message.body, where].filter(Boolean).join(' ')
  }
  if (message.type === 'contact') {
    const cards = (meta.contacts ?? []) as { name: string | null; phones: { number: string }[] }[]
    const listed = cards
      .map((card) =>
        [card.name, ...card.phones.map((phone) => phone.number)].filter(Boolean).join(' ')
      )
      .join('; ')
    return listed ? `${placeholder} ${listed}` : placeholder
  }
  if (message.direction === 'outbound') return message.body ?? placeholder
  return message.body ? `${placeholder} ${message.body}` : placeholder
}

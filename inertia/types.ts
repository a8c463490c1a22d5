import type { BusinessBotStatus } from '@shared/bot_status'

/**
 * Props every page receives (see app/middleware/inertia_middleware.ts).
 */
export type Locale = 'es' | 'en'

export type SharedProps = {
  locale: Locale
  errors: Record<string, string>
  flash: { error?: string; success?: string }
  user: { id: string; fullName: string; email: string; locale: Locale } | null
  businesses: { id: string; name: string }[]
  /**
   * `timezone` is the one dates and times are shown in (useI18n).
   */
  currentBusiness: { id: string; name: string; timezone: string } | null
}

/**
 * Choices of the business profile form (businessFormOptions()).
 */
export type BusinessFormOptions = {
  currencies: string[]
  countries: string[]
  timezones: string[]
  zonesByCountry: Record<string, string[]>
}

export type BusinessData = {
  id: string
  name: string
  description: string | null
  industry: string | null
  currency: string
  timezone: string
  country: string
  locale: Locale
  logoUrl: string | null
  openaiModel: string
  openaiBaseUrl: string | null
  openaiKeyLast4: string | null
  hasOpenaiKey: boolean
  openaiKeyVerifiedAt: string | null
  botEnabled: boolean
  /**
   * Voice notes and photos go to the business's AI provider; an audio that
   * cannot be heard gets a request to write it (ask) or a person (human).
   */
  understandMedia: boolean
  unheardAudio: 'ask' | 'human'
  transcriptionModel: string
  /**
   * Whether the bot answers customers now, or why not; the page
   * recomputes it with businessBotStatus() from the facts around it.
   */
  botStatus: BusinessBotStatus
  botBlockedReason: 'api_key_rejected' | 'budget_reached' | null
  whatsappConnected: boolean
  role: 'owner' | 'agent' | null
  createdAt: string
  updatedAt: string
}

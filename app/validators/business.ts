import vine from '@vinejs/vine'
import agentConfig from '#config/agent'
import { wellFormed } from '#validators/well_formed'
import { getCountries } from 'libphonenumber-js'

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'))
/**
 * The time zones a business may have (the profile form offers these).
 */
export const TIMEZONES = new Set(Intl.supportedValuesOf('timeZone'))

/**
 * ISO 4217 code known to this runtime (MXN, COP, USD, ...).
 */
const currency = () =>
  vine
    .string()
    .trim()
    .toUpperCase()
    .fixedLength(3)
    .in([...CURRENCIES])

/**
 * IANA time zone name (America/Mexico_City, America/Bogota, ...).
 */
const timezone = () =>
  vine
    .string()
    .trim()
    .in([...TIMEZONES, 'UTC'])

/**
 * ISO 3166-1 alpha-2 code of a country with a phone numbering plan (MX,
 * AR, BR, ...): how phones typed without a country code are read.
 */
const country = () => vine.string().trim().toUpperCase().fixedLength(2).in(getCountries())

const profile = {
  name: vine.string().trim().minLength(2).maxLength(120),
  industry: vine.string().trim().maxLength(80).optional(),
  description: vine.string().trim().maxLength(2000).optional(),
  currency: currency().optional(),
  timezone: timezone().optional(),
  country: country().optional(),
  locale: vine.enum(['es', 'en']).optional(),
}

export const createBusinessValidator = vine.create(profile)

export const updateBusinessValidator = vine.create({
  ...profile,
  name: profile.name.clone().optional(),
})

const openaiKey = () =>
  vine
    .string()
    .trim()
    .minLength(20)
    .maxLength(300)
    .regex(/^[\x21-\x7e]+$/)

const openaiModel = () =>
  vine
    .string()
    .trim()
    .maxLength(100)
    .regex(/^[\w.:/-]+$/)

const openaiBaseUrl = () =>
  vine
    .string()
    .trim()
    .maxLength(500)
    .use(wellFormed({ as: 'url' }))
    .url({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })

export const openaiSettingsValidator = vine.create({
  openaiApiKey: openaiKey(),
  openaiModel: openaiModel().optional(),
  openaiBaseUrl: openaiBaseUrl().nullable().optional(),
})

/**
 * The web settings form: the stored key need not be typed again to change
 * the model or the provider URL.
 */
export const aiSettingsFormValidator = vine.create({
  openaiApiKey: openaiKey().optional(),
  openaiModel: openaiModel(),
  openaiBaseUrl: openaiBaseUrl().optional(),
})

/**
 * Voice notes and photos: whether they go to the business's AI provider,
 * what an audio that cannot be heard gets, and the transcription model.
 */
export const mediaSettingsValidator = vine.create({
  understandMedia: vine.boolean({ strict: true }),
  unheardAudio: vine.enum(['ask', 'human'] as const),
  transcriptionModel: vine.enum(agentConfig.transcription.models),
})

export const botToggleValidator = vine.create({
  botEnabled: vine.boolean({ strict: true }),
})

export const switchBusinessValidator = vine.create({
  businessId: vine.string().uuid(),
})

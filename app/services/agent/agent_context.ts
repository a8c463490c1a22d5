import { DateTime } from 'luxon'
import sharp from 'sharp'
import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import MediaStorage from '#services/media_storage'
import CatalogPhotos from '#services/catalog/catalog_photos'
import i18nManager from '@adonisjs/i18n/services/main'
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages'
import agentConfig from '#config/agent'
import type Business from '#models/business'
import type Message from '#models/message'
import BusinessKnowledge from '#services/business_knowledge'
import { isUnheard } from '#services/agent/voice_notes'

/**
 * A message of the conversation as the model sees it.
 */
export type TranscriptEntry = {
  role: 'customer' | 'business'
  text: string
  /**
   * Photos the model sees (data URLs of a downscaled copy): the customer's
   * photos of the burst being answered only; older ones are their caption
   * and what was said about them.
   */
  images?: string[]
}

/**
 * Which catalog product a customer's photo is ('match') or looks like
 * ('near'), found by fingerprint (no AI).
 */
export type CatalogMatch = { productId: string; title: string; confidence: 'match' | 'near' }

/**
 * A message typed in the playground, as the page keeps it: its words, and
 * for a voice note or a photo tried there, what it was (a photo's match
 * by product id; its title is read again from the catalog).
 */
export type PlaygroundEntry = {
  role: 'customer' | 'business'
  text: string
  media?: 'photo' | 'voice_note'
  match?: { productId: string; confidence: 'match' | 'near' }
}

type Translate = (key: string, data?: Record<string, unknown>) => string

/**
 * The prompt of a turn, bounded: the master prompt, the business's profile
 * and knowledge (policies, hours with open/closed now, FAQs), the current
 * time in its time zone, the fixed rules, then the conversation's recent
 * messages within a token budget. The catalog is reached through tools,
 * never pasted: the prompt does not grow with it.
 */
@inject()
export class AgentContext {
  constructor(
    private storage: MediaStorage,
    private knowledge: BusinessKnowledge,
    private photos: CatalogPhotos
  ) {}

  async system(business: Business, now = DateTime.now()): Promise<SystemMessage> {
    const locale = business.locale === 'en' ? 'en' : 'es'
    const t = translator(business)
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
    const recent = await business
      .related('messages')
      .query()
      .where('conversation_id', conversationId)
      .whereNot('status', 'failed')
      .whereNull('deleted_at')
      .orderBy('sent_at', 'desc')
      .orderBy('created_at', 'desc')
      .limit(agentConfig.memoryMaxMessages)

    const t = translator(business)
    const fresh = new Set(
      recent
        .filter(isNewPhoto)
        .slice(0, agentConfig.maxImageInputs)
        .map((message) => message.id)
    )
    const entries = await Promise.all(
      recent.map(async (message): Promise<TranscriptEntry> => {
        const entry: TranscriptEntry = {
          role: message.direction === 'inbound' ? 'customer' : 'business',
          text: describe(message, t),
        }
        if (!fresh.has(message.id)) return withMatch(entry, storedMatch(message), t)
        const bytes = await this.#read(message)
        if (!bytes) return entry
        await this.#matchCatalog(business, message, bytes)
        const image = business.understandMedia ? await modelImage(bytes, message.id) : null
        return withMatch(image ? { ...entry, images: [image] } : entry, storedMatch(message), t)
      })
    )
    return fitBudget(entries).reverse()
  }

  async #read(message: Message) {
    try {
      return await this.storage.read(message.mediaKey!)
    } catch (error) {
      logger.warn({ err: error, messageId: message.id }, 'a photo could not be read')
      return null
    }
  }

  /**
   * Whether the customer's photo is one of the shop's own product photos
   * (no AI: by fingerprint). Kept on the message, for the inbox and the
   * later turns.
   */
  async #matchCatalog(business: Business, message: Message, bytes: Uint8Array) {
    if (message.meta?.catalogMatch !== undefined) return
    const found = await this.photos.match(business, bytes)
    const catalogMatch = found
      ? { productId: found.productId, title: found.title, confidence: found.confidence }
      : null
    message.meta = { ...(message.meta ?? {}), catalogMatch }
    await business
      .related('messages')
      .query()
      .where('id', message.id)
      .update({ meta: JSON.stringify(message.meta) })
  }

  /**
   * The playground's conversation as the model sees it, with the wording
   * of real conversations: a voice note is the words said, a photo says
   * which product it is. The newest message may carry a photo tried there
   * (`photo`): the model sees it, and the catalog match found for it is
   * answered for the page to keep.
   */
  async playgroundTranscript(
    business: Business,
    entries: PlaygroundEntry[],
    photo?: Uint8Array
  ): Promise<{ transcript: TranscriptEntry[]; match: CatalogMatch | null }> {
    const t = translator(business)
    const ids = entries.flatMap((entry) => (entry.match ? [entry.match.productId] : []))
    const products =
      ids.length === 0
        ? []
        : await business.related('products').query().whereIn('id', ids).select('id', 'title')
    const titles = new Map(products.map((product) => [product.id, product.title]))
    let freshMatch: CatalogMatch | null = null
    const transcript = await Promise.all(
      entries.map(async (entry, index): Promise<TranscriptEntry> => {
        if (entry.role === 'business') return { role: 'business', text: entry.text }
        if (entry.media === 'voice_note') {
          return { role: 'customer', text: t('media.voice_note', { text: entry.text }) }
        }
        if (entry.media !== 'photo') return { role: 'customer', text: entry.text }
        const described: TranscriptEntry = {
          role: 'customer',
          text: [t('media.image'), entry.text].filter(Boolean).join(' '),
        }
        if (photo && index === entries.length - 1) {
          const found = await this.photos.match(business, photo)
          freshMatch = found
            ? { productId: found.productId, title: found.title, confidence: found.confidence }
            : null
          const image = business.understandMedia ? await modelImage(photo, 'playground') : null
          return withMatch(image ? { ...described, images: [image] } : described, freshMatch, t)
        }
        const title = entry.match ? titles.get(entry.match.productId) : undefined
        return withMatch(described, entry.match && title ? { ...entry.match, title } : null, t)
      })
    )
    return { transcript, match: freshMatch }
  }

  messages(system: SystemMessage, transcript: TranscriptEntry[]): BaseMessage[] {
    return [
      system,
      ...transcript.map((entry) => {
        if (entry.role === 'business') return new AIMessage(entry.text)
        if (!entry.images?.length) return new HumanMessage(entry.text)
        return new HumanMessage({
          content: [
            { type: 'text', text: entry.text },
            ...entry.images.map((url) => ({ type: 'image_url', image_url: { url } })),
          ],
        })
      }),
    ]
  }
}

/**
 * The longest side of a photo the model sees.
 */
const MODEL_IMAGE_SIDE = 1024

/**
 * A photo as the model gets it: a JPEG at most MODEL_IMAGE_SIDE pixels a
 * side (the provider cannot reach our storage, and a smaller image costs
 * fewer tokens), as a data URL. Null when it cannot be read.
 */
async function modelImage(bytes: Uint8Array, source: string) {
  try {
    const jpeg = await sharp(bytes)
      .rotate()
      .resize({
        width: MODEL_IMAGE_SIDE,
        height: MODEL_IMAGE_SIDE,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .jpeg({ quality: 80 })
      .toBuffer()
    return `data:image/jpeg;base64,${jpeg.toString('base64')}`
  } catch (error) {
    logger.warn({ err: error, source }, 'a photo could not be prepared for the model')
    return null
  }
}

function translator(business: Business): Translate {
  const i18n = i18nManager.locale(business.locale === 'en' ? 'en' : 'es')
  return (key, data) => i18n.t(`agent.${key}`, data)
}

/**
 * A customer's photo of the burst being answered (not a sticker), whose
 * file is here.
 */
function isNewPhoto(message: Message) {
  return (
    message.type === 'image' &&
    message.direction === 'inbound' &&
    message.author === 'customer' &&
    !message.agentHandledAt &&
    !message.deletedAt &&
    message.mediaKey !== null
  )
}

/**
 * A photo recognised as a catalog product says so, with the product's id
 * (the model can get its price and stock at once); a near one only as
 * "looks like".
 */
function withMatch(
  entry: TranscriptEntry,
  match: CatalogMatch | null,
  t: Translate
): TranscriptEntry {
  if (!match) return entry
  const key = match.confidence === 'match' ? 'media.photo_match' : 'media.photo_near'
  return { ...entry, text: `${entry.text} ${t(key, { title: match.title, id: match.productId })}` }
}

function storedMatch(message: Message) {
  return (message.meta?.catalogMatch as CatalogMatch | null | undefined) ?? null
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
function describe(message: Message, t: Translate) {
  const words = [content(message, t)]
  if (message.quotedText) words.unshift(t('quote', { text: message.quotedText.slice(0, 200) }))
  return words.join(' ')
}

function content(message: Message, t: Translate) {
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
  if (message.type === 'audio') {
    /**
     * A voice note is the words said (the customer's, or the owner's own
     * from the phone); one that could not be heard says so.
     */
    if (message.transcript) {
      return t(message.direction === 'inbound' ? 'media.voice_note' : 'media.owner_voice_note', {
        text: message.transcript,
      })
    }
    if (message.direction === 'inbound' && isUnheard(message)) return t('media.audio_unheard')
  }
  if (message.direction === 'outbound') return message.body ?? placeholder
  /**
   * A document by its name, a video by its length, with their caption.
   */
  const seconds = Number(meta.seconds)
  const details = [
    message.type === 'document' ? message.mediaName : null,
    message.type === 'video' && Number.isFinite(seconds) && seconds > 0 ? `(${seconds} s)` : null,
    message.body,
  ].filter(Boolean)
  return details.length > 0 ? `${placeholder} ${details.join(' ')}` : placeholder
}

import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { BusinessSchema } from '#database/schema'
import encryption from '@adonisjs/core/services/encryption'
import { column, hasMany, hasOne, manyToMany } from '@adonisjs/lucid/orm'
import type { HasMany, HasOne, ManyToMany } from '@adonisjs/lucid/types/relations'
import User, { isUuid } from '#models/user'
import Product from '#models/product'
import Policy from '#models/policy'
import AgentPrompt from '#models/agent_prompt'
import WhatsappInstance from '#models/whatsapp_instance'
import Contact from '#models/contact'
import Conversation from '#models/conversation'
import Message from '#models/message'
import AgentRun from '#models/agent_run'
import { errors } from '@adonisjs/lucid'

/**
 * Fast and affordable for WhatsApp sales conversations.
 */
export const DEFAULT_OPENAI_MODEL = 'gpt-4.1-mini'

export default class Business extends BusinessSchema {
  /**
   * Ciphertext of the owner's OpenAI key. Never serialized; read it with
   * revealOpenaiApiKey() at the moment of a provider call only.
   */
  @column({ serializeAs: null })
  declare openaiApiKey: string | null

  @manyToMany(() => User, {
    pivotTable: 'business_members',
    pivotColumns: ['role'],
    pivotTimestamps: true,
  })
  declare members: ManyToMany<typeof User>

  /**
   * The catalog. Product reads and writes start from this relation.
   */
  @hasMany(() => Product)
  declare products: HasMany<typeof Product>

  get hasOpenaiKey() {
    return Boolean(this.openaiApiKey)
  }

  /**
   * Stores the key encrypted and remembers its last four characters.
   */
  setOpenaiApiKey(plainKey: string) {
    this.openaiApiKey = encryption.encrypt(plainKey)
    this.openaiKeySuffix = plainKey.slice(-4)
  }

  revealOpenaiApiKey(): string | null {
    if (!this.openaiApiKey) {
      return null
    }
    return encryption.decrypt<string>(this.openaiApiKey)
  }

  /**
   * Shipping, refunds, brand voice and opening hours: what the agent
   * knows about how the business works, with its FAQs (none until the
   * owner saves them).
   */
  @hasOne(() => Policy)
  declare policy: HasOne<typeof Policy>

  /**
   * Every saved version of the agent's master prompt; the highest
   * `version` is the current one.
   */
  @hasMany(() => AgentPrompt)
  declare agentPrompts: HasMany<typeof AgentPrompt>

  /**
   * The business's WhatsApp number (at most one), its customers, their
   * conversations and messages, and the agent's runs: every tenant table
   * is reached through these.
   */
  @hasOne(() => WhatsappInstance)
  declare whatsappInstance: HasOne<typeof WhatsappInstance>

  @hasMany(() => Contact)
  declare contacts: HasMany<typeof Contact>

  @hasMany(() => Conversation)
  declare conversations: HasMany<typeof Conversation>

  @hasMany(() => Message)
  declare messages: HasMany<typeof Message>

  @hasMany(() => AgentRun)
  declare agentRuns: HasMany<typeof AgentRun>

  /**
   * A business known only by its id (a webhook delivery's, a job's), to
   * reach its rows through the relations above without reading it first:
   * only `id` is set. With `client`, its relation queries run in that
   * transaction.
   */
  static reference(id: string, client?: TransactionClientContract) {
    const business = Business.$createFromAdapterResult({ id }) as Business
    if (client) business.useTransaction(client)
    return business
  }

  /**
   * Edits, deletions and reactions the gateway reported for the business's
   * messages (a table without a model: rows are read, never changed).
   */
  messageAmendments() {
    const business = this as Business
    return (business.$trx ?? db).from('message_amendments').where('business_id', business.id)
  }

  /**
   * The business's WhatsApp instance, or null when none is connected.
   */
  whatsapp() {
    return (this as Business).related('whatsappInstance').query().first()
  }

  /**
   * The same, or a 404 (E_ROW_NOT_FOUND).
   */
  whatsappOrFail() {
    return (this as Business).related('whatsappInstance').query().firstOrFail()
  }

  /**
   * One of the business's contacts, or a 404 for any other id (another
   * tenant's and a missing one look the same).
   */
  findContactOrFail(id: unknown) {
    return (this as Business).related('contacts').query().where('id', ownId(id)).firstOrFail()
  }

  /**
   * One of the business's conversations, or a 404 for any other id.
   */
  findConversationOrFail(id: unknown) {
    return (this as Business).related('conversations').query().where('id', ownId(id)).firstOrFail()
  }
}

/**
 * An id as a query may take it: a malformed one is a 404 before any query.
 */
function ownId(id: unknown) {
  if (typeof id !== 'string' || !isUuid(id)) throw new errors.E_ROW_NOT_FOUND()
  return id
}

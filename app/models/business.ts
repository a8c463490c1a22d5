import { BusinessSchema } from '#database/schema'
import encryption from '@adonisjs/core/services/encryption'
import { column, hasMany, hasOne, manyToMany } from '@adonisjs/lucid/orm'
import type { HasMany, HasOne, ManyToMany } from '@adonisjs/lucid/types/relations'
import User from '#models/user'
import Product from '#models/product'
import Policy from '#models/policy'
import AgentPrompt from '#models/agent_prompt'

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
}

import { BusinessSchema } from '#database/schema'
import encryption from '@adonisjs/core/services/encryption'
import { column, manyToMany } from '@adonisjs/lucid/orm'
import type { ManyToMany } from '@adonisjs/lucid/types/relations'
import User from '#models/user'

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

  get hasOpenaiKey() {
    return this.openaiApiKey !== null
  }

  /**
   * Stores the key encrypted and remembers its last four characters.
   */
  setOpenaiApiKey(plainKey: string) {
    this.openaiApiKey = encryption.encrypt(plainKey)
    this.openaiKeyLast4 = plainKey.slice(-4)
  }

  revealOpenaiApiKey(): string | null {
    if (!this.openaiApiKey) {
      return null
    }
    return encryption.decrypt<string>(this.openaiApiKey)
  }
}

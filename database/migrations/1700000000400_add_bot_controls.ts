import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('businesses', (table) => {
      /**
       * Debounce: how long a conversation must be quiet before the bot
       * answers the customer's burst of messages (0 = at once).
       */
      table.integer('reply_delay_seconds').notNullable().defaultTo(3)
      /**
       * Human takeover: how long the bot stays quiet in a conversation
       * after a person writes there.
       */
      table.integer('takeover_minutes').notNullable().defaultTo(120)
      /**
       * Why the bot stopped by itself (the provider rejected the key, the
       * monthly budget was reached), shown to the owner until resolved.
       */
      table.string('bot_blocked_reason', 40).nullable()
      table.timestamp('bot_blocked_at', { useTz: true }).nullable()
    })

    this.schema.alterTable('conversations', (table) => {
      /**
       * The per-conversation switch (the inbox's pause / "devolver al bot").
       */
      table.boolean('bot_enabled').notNullable().defaultTo(true)
    })
  }

  async down() {
    this.schema.alterTable('conversations', (table) => {
      table.dropColumn('bot_enabled')
    })
    this.schema.alterTable('businesses', (table) => {
      table.dropColumns(
        'reply_delay_seconds',
        'takeover_minutes',
        'bot_blocked_reason',
        'bot_blocked_at'
      )
    })
  }
}

import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    /**
     * The business's connection on the WhatsApp gateway (one per business).
     */
    this.schema.createTable('whatsapp_instances', (table) => {
      table.uuid('id').primary().defaultTo(this.raw('gen_random_uuid()'))
      table
        .uuid('business_id')
        .notNullable()
        .unique()
        .references('id')
        .inTable('businesses')
        .onDelete('CASCADE')
      table.string('driver', 20).notNullable()
      table.string('instance_name', 100).notNullable().unique()
      /**
       * Encrypted with the app key: the instance's API token on the gateway
       * and the secret the gateway sends back with every webhook.
       */
      table.text('token').notNullable()
      table.text('webhook_secret').notNullable()
      table.string('status', 20).notNullable().defaultTo('pending_qr')
      table.string('phone', 32).nullable()
      table.string('profile_name', 200).nullable()
      table.text('qr_code').nullable()
      table.timestamp('qr_updated_at', { useTz: true }).nullable()
      table.timestamp('last_connection_at', { useTz: true }).nullable()
      table.string('last_error', 500).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
    })
    this.schema.raw(
      `ALTER TABLE whatsapp_instances ADD CONSTRAINT whatsapp_instances_status_check
       CHECK (status IN ('pending_qr', 'open', 'closed', 'refused'))`
    )

    this.schema.createTable('contacts', (table) => {
      table.uuid('id').primary().defaultTo(this.raw('gen_random_uuid()'))
      table
        .uuid('business_id')
        .notNullable()
        .references('id')
        .inTable('businesses')
        .onDelete('CASCADE')
      /**
       * The JID replies go to: the phone JID when known, else the @lid JID.
       */
      table.string('wa_jid', 120).notNullable()
      table.string('phone', 32).nullable()
      table.string('lid', 120).nullable()
      table.string('push_name', 200).nullable()
      table.string('name', 200).nullable()
      table.text('notes').nullable()
      table.timestamp('first_seen_at', { useTz: true }).notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()

      table.unique(['business_id', 'wa_jid'])
      table.index(['business_id', 'phone'])
    })

    this.schema.createTable('conversations', (table) => {
      table.uuid('id').primary().defaultTo(this.raw('gen_random_uuid()'))
      table
        .uuid('business_id')
        .notNullable()
        .references('id')
        .inTable('businesses')
        .onDelete('CASCADE')
      table
        .uuid('contact_id')
        .notNullable()
        .references('id')
        .inTable('contacts')
        .onDelete('CASCADE')
      table.string('status', 20).notNullable().defaultTo('open')
      table.integer('unread_count').notNullable().defaultTo(0)
      table.timestamp('last_message_at', { useTz: true }).nullable()
      table.string('last_message_preview', 200).nullable()
      table.string('last_message_direction', 10).nullable()
      /**
       * Human takeover: the bot stays quiet in this conversation until then.
       */
      table.timestamp('bot_paused_until', { useTz: true }).nullable()
      table.boolean('needs_human').notNullable().defaultTo(false)
      table.string('handoff_reason', 500).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()

      table.index(['contact_id'])
      table.index(['business_id', 'last_message_at'])
    })
    this.schema.raw(
      `ALTER TABLE conversations ADD CONSTRAINT conversations_status_check
       CHECK (status IN ('open', 'resolved'))`
    )
    /**
     * One open conversation per contact: concurrent deliveries for a new
     * customer cannot open two.
     */
    this.schema.raw(
      `CREATE UNIQUE INDEX conversations_one_open_per_contact
       ON conversations (business_id, contact_id) WHERE status = 'open'`
    )

    this.schema.createTable('messages', (table) => {
      table.uuid('id').primary().defaultTo(this.raw('gen_random_uuid()'))
      table
        .uuid('business_id')
        .notNullable()
        .references('id')
        .inTable('businesses')
        .onDelete('CASCADE')
      table
        .uuid('conversation_id')
        .notNullable()
        .references('id')
        .inTable('conversations')
        .onDelete('CASCADE')
      table.string('direction', 10).notNullable()
      table.string('author', 10).notNullable()
      table.string('type', 20).notNullable().defaultTo('text')
      table.text('body').nullable()
      table.string('media_key', 300).nullable()
      table.string('media_mime', 100).nullable()
      table.string('media_name', 255).nullable()
      table.jsonb('meta').nullable()
      table.string('gateway_message_id', 128).nullable()
      table.string('status', 20).notNullable()
      table.string('error', 500).nullable()
      table
        .uuid('sent_by_user_id')
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table.timestamp('sent_at', { useTz: true }).notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()

      table.index(['conversation_id', 'sent_at'])
      table.index(['sent_by_user_id'])
    })
    this.schema.raw(
      `ALTER TABLE messages ADD CONSTRAINT messages_direction_check CHECK (direction IN ('inbound', 'outbound'))`
    )
    this.schema.raw(
      `ALTER TABLE messages ADD CONSTRAINT messages_author_check CHECK (author IN ('customer', 'bot', 'human'))`
    )
    /**
     * Idempotent ingest: the gateway delivers at least once, and retries.
     */
    this.schema.raw(
      `CREATE UNIQUE INDEX messages_gateway_id_unique
       ON messages (business_id, gateway_message_id) WHERE gateway_message_id IS NOT NULL`
    )
  }

  async down() {
    this.schema.dropTable('messages')
    this.schema.dropTable('conversations')
    this.schema.dropTable('contacts')
    this.schema.dropTable('whatsapp_instances')
  }
}

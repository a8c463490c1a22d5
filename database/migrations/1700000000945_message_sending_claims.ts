import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * An outbound message is claimed by the worker that sends it before the
 * gateway is called (SendWhatsappMessage#deliver): `sending_at` is when.
 * Two workers never both send a message, a retried job never sends again
 * what may have gone out, and the gateway's own report of the send
 * (`send.message`) finds the message it belongs to.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('messages', (table) => {
      table.timestamp('sending_at', { useTz: true }).nullable()
    })
    /**
     * Claims in flight (no gateway id yet): few at any time, looked up by
     * conversation.
     */
    this.schema.raw(
      `CREATE INDEX messages_sending_claims ON messages (conversation_id, sending_at)
       WHERE sending_at IS NOT NULL AND gateway_message_id IS NULL`
    )
  }

  async down() {
    this.schema.raw('DROP INDEX IF EXISTS messages_sending_claims')
    this.schema.alterTable('messages', (table) => {
      table.dropColumn('sending_at')
    })
  }
}

import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  /**
   * Which customer messages the agent has taken into account, per message:
   * a time cursor misses messages whose transactions commit out of order
   * and depends on timestamp precision.
   */
  async up() {
    this.schema.alterTable('messages', (table) => {
      table.timestamp('agent_handled_at', { useTz: true }).nullable()
    })
    this.schema.raw(
      `CREATE INDEX messages_awaiting_agent ON messages (conversation_id, created_at)
       WHERE author = 'customer' AND agent_handled_at IS NULL`
    )
    this.schema.alterTable('conversations', (table) => {
      table.dropColumn('agent_cursor_at')
    })
  }

  async down() {
    this.schema.alterTable('conversations', (table) => {
      table.timestamp('agent_cursor_at', { useTz: true }).nullable()
    })
    this.schema.raw('DROP INDEX IF EXISTS messages_awaiting_agent')
    this.schema.alterTable('messages', (table) => {
      table.dropColumn('agent_handled_at')
    })
  }
}

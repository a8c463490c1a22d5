import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    /**
     * Every turn of the agent: what triggered it, what it cost, what it did.
     */
    this.schema.createTable('agent_runs', (table) => {
      table.uuid('id').primary().defaultTo(this.raw('gen_random_uuid()'))
      table
        .uuid('business_id')
        .notNullable()
        .references('id')
        .inTable('businesses')
        .onDelete('CASCADE')
      table
        .uuid('conversation_id')
        .nullable()
        .references('id')
        .inTable('conversations')
        .onDelete('CASCADE')
      /**
       * whatsapp (a customer's messages), api (POST /agent/think),
       * playground (the owner trying the agent).
       */
      table.string('source', 20).notNullable()
      table.jsonb('trigger_message_ids').notNullable().defaultTo('[]')
      table.string('model', 100).notNullable()
      table.integer('prompt_tokens').notNullable().defaultTo(0)
      table.integer('completion_tokens').notNullable().defaultTo(0)
      table.decimal('cost_usd', 12, 6).notNullable().defaultTo(0)
      table.integer('latency_ms').nullable()
      table.integer('model_calls').notNullable().defaultTo(0)
      table.jsonb('tool_calls').notNullable().defaultTo('[]')
      /**
       * running, replying (reply stored, being sent), replied, skipped,
       * discarded (a person or the switch got there first), failed.
       */
      table.string('outcome', 20).notNullable().defaultTo('running')
      table.string('reason', 500).nullable()
      table.text('reply').nullable()
      table.timestamp('finished_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()

      table.index(['business_id', 'created_at'])
      table.index(['conversation_id', 'created_at'])
    })

    this.schema.alterTable('messages', (table) => {
      table
        .uuid('agent_run_id')
        .nullable()
        .references('id')
        .inTable('agent_runs')
        .onDelete('SET NULL')
      table.index(['agent_run_id'])
    })

    this.schema.alterTable('conversations', (table) => {
      /**
       * When the last customer message the agent has taken into account was
       * stored (WhatsApp timestamps have one-second precision): a turn
       * answers what was stored after it.
       */
      table.timestamp('agent_cursor_at', { useTz: true }).nullable()
    })

    this.schema.alterTable('businesses', (table) => {
      /**
       * Optional monthly spending limit of the agent, in US dollars.
       */
      table.decimal('monthly_budget_usd', 10, 2).nullable()
    })
  }

  async down() {
    this.schema.alterTable('businesses', (table) => table.dropColumn('monthly_budget_usd'))
    this.schema.alterTable('conversations', (table) => table.dropColumn('agent_cursor_at'))
    this.schema.alterTable('messages', (table) => table.dropColumn('agent_run_id'))
    this.schema.dropTable('agent_runs')
  }
}

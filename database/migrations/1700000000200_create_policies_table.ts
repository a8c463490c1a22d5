import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * What the agent knows about how a business works: one row of policies
 * (shipping, refunds, brand voice, opening hours) per business, and its
 * ordered frequently asked questions.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('policies', (table) => {
      table.uuid('id').primary().defaultTo(this.raw('gen_random_uuid()'))
      table
        .uuid('business_id')
        .notNullable()
        .unique()
        .references('id')
        .inTable('businesses')
        .onDelete('CASCADE')
      table.text('shipping_policy').nullable()
      table.text('refund_policy').nullable()
      table.text('brand_voice').nullable()
      /**
       * Weekly opening hours in the business's time zone:
       * { "monday": [{ "open": "09:00", "close": "18:00" }], ... }.
       * NULL means the owner has not said (the agent must not guess).
       */
      table.jsonb('allowed_hours').nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
    })

    this.schema.createTable('faqs', (table) => {
      table.uuid('id').primary().defaultTo(this.raw('gen_random_uuid()'))
      table
        .uuid('business_id')
        .notNullable()
        .references('id')
        .inTable('businesses')
        .onDelete('CASCADE')
      table.integer('position').notNullable()
      table.string('question', 300).notNullable()
      table.text('answer').notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()

      table.unique(['business_id', 'position'])
    })
  }

  async down() {
    this.schema.dropTable('faqs')
    this.schema.dropTable('policies')
  }
}

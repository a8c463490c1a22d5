import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.createTable('businesses', (table) => {
      table.uuid('id').primary().defaultTo(this.raw('gen_random_uuid()'))
      table.string('name', 120).notNullable()
      table.text('description').nullable()
      table.string('industry', 80).nullable()
      table.string('currency', 3).notNullable().defaultTo('MXN')
      table.string('timezone', 64).notNullable().defaultTo('America/Mexico_City')
      table.string('locale', 8).notNullable().defaultTo('es')
      table.string('logo_key', 300).nullable()
      /**
       * Encrypted with the app key; the last four characters are kept in
       * clear so the owner can recognise which key is stored.
       */
      table.text('openai_api_key').nullable()
      table.string('openai_key_suffix', 4).nullable()
      table.timestamp('openai_key_verified_at', { useTz: true }).nullable()
      table.string('openai_model', 100).notNullable().defaultTo('gpt-4.1-mini')
      table.string('openai_base_url', 500).nullable()
      table.boolean('bot_enabled').notNullable().defaultTo(true)
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
    })

    /**
     * Who can work in a business. Every tenant query starts from here:
     * a user reaches a business only through a membership.
     */
    this.schema.createTable('business_members', (table) => {
      table.uuid('id').primary().defaultTo(this.raw('gen_random_uuid()'))
      table
        .uuid('business_id')
        .notNullable()
        .references('id')
        .inTable('businesses')
        .onDelete('CASCADE')
      table.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE')
      table.string('role', 20).notNullable().defaultTo('owner')
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()

      table.unique(['business_id', 'user_id'])
      table.index(['user_id'])
    })
    this.schema.raw(
      `ALTER TABLE business_members ADD CONSTRAINT business_members_role_check CHECK (role IN ('owner', 'agent'))`
    )
  }

  async down() {
    this.schema.dropTable('business_members')
    this.schema.dropTable('businesses')
  }
}

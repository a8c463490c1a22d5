import { BaseSchema } from '@adonisjs/lucid/schema'
import { defaultPromptFor } from '#services/default_prompt'

/**
 * The agent's master prompt, one row per saved version. Rows are never
 * updated: saving or restoring adds a version, the highest is current.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('agent_prompts', (table) => {
      table.uuid('id').primary().defaultTo(this.raw('gen_random_uuid()'))
      table
        .uuid('business_id')
        .notNullable()
        .references('id')
        .inTable('businesses')
        .onDelete('CASCADE')
      table.integer('version').notNullable()
      table.text('content').notNullable()
      /**
       * NULL for the default written by Atiende (or when the person who
       * saved it has deleted their account).
       */
      table.uuid('author_id').nullable().references('id').inTable('users').onDelete('SET NULL')
      table.string('source', 10).notNullable()
      table.integer('restored_from_version').nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()

      table.unique(['business_id', 'version'])
    })
    this.schema.raw(
      `ALTER TABLE agent_prompts ADD CONSTRAINT agent_prompts_source_check CHECK (source IN ('default', 'edit', 'restore'))`
    )

    /**
     * Businesses created before prompts existed get their default version.
     */
    this.defer(async (db) => {
      const businesses = await db
        .from('businesses')
        .whereNotExists((query) =>
          query.from('agent_prompts').whereRaw('agent_prompts.business_id = businesses.id')
        )
        .select('id', 'name', 'industry', 'description', 'locale')

      const now = new Date()
      for (const business of businesses) {
        await db.table('agent_prompts').insert({
          business_id: business.id,
          version: 1,
          content: defaultPromptFor(business),
          author_id: null,
          source: 'default',
          restored_from_version: null,
          created_at: now,
        })
      }
    })
  }

  async down() {
    this.schema.dropTable('agent_prompts')
  }
}

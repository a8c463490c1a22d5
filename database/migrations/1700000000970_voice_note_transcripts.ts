import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Voice notes understood: each inbound audio (and the owner's own from
 * the phone) is transcribed with the business's key; the transcript, how
 * long the audio was and what it cost are kept on the message.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('messages', (table) => {
      table.text('transcript').nullable()
      /**
       * pending (waiting for its file or the provider), done, failed (after
       * retries), too_long (over the limit: never sent), off (the business
       * does not send audio to its provider, or has no key).
       */
      table.string('transcript_status', 20).nullable()
      table.integer('transcript_seconds').nullable()
      table.decimal('transcript_cost_usd', 12, 6).nullable()
    })
    this.schema.alterTable('businesses', (table) => {
      table.string('transcription_model', 60).notNullable().defaultTo('gpt-4o-mini-transcribe')
      /**
       * "Entender audios y fotos": customers' audio and photos go to the
       * business's AI provider.
       */
      table.boolean('understand_media').notNullable().defaultTo(true)
      /**
       * An audio that could not be heard: the bot asks the customer to
       * write it (ask), or a person takes the conversation (human).
       */
      table.string('unheard_audio', 10).notNullable().defaultTo('ask')
    })
    /**
     * What transcripts cost a business this month (the budget).
     */
    this.schema.raw(
      `CREATE INDEX messages_transcript_cost_index ON messages (business_id, created_at)
       WHERE transcript_cost_usd IS NOT NULL`
    )
    this.schema.raw(
      `CREATE INDEX messages_transcript_search_index
       ON messages USING gin (lower(atiende_unaccent(transcript)) gin_trgm_ops)
       WITH (gin_pending_list_limit = 256)`
    )
  }

  async down() {
    this.schema.raw('DROP INDEX IF EXISTS messages_transcript_search_index')
    this.schema.raw('DROP INDEX IF EXISTS messages_transcript_cost_index')
    this.schema.alterTable('businesses', (table) => {
      table.dropColumn('transcription_model')
      table.dropColumn('understand_media')
      table.dropColumn('unheard_audio')
    })
    this.schema.alterTable('messages', (table) => {
      table.dropColumn('transcript')
      table.dropColumn('transcript_status')
      table.dropColumn('transcript_seconds')
      table.dropColumn('transcript_cost_usd')
    })
  }
}

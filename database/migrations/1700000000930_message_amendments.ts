import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * What happens to a message after it was written: edits, deletes for
 * everyone and reactions (the gateway's messages.edited, messages.delete
 * and reactionMessage), and media whose bytes are fetched later.
 *
 * Amendments are kept as they arrive (once each, by a dedupe key) and the
 * message's columns are recomputed from the original and all of its
 * amendments, so the order and repetition of deliveries never changes the
 * result; an amendment whose message has not arrived yet waits here.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('messages', (table) => {
      /**
       * The message this one replies to: the gateway's id (the quoted
       * message may not be stored) and a short snippet of it.
       */
      table.string('quoted_gateway_id', 128).nullable()
      table.string('quoted_text', 300).nullable()
      /**
       * Edits: the time of the latest, and the texts before it (oldest
       * first: [{ text, editedAt }]).
       */
      table.timestamp('edited_at', { useTz: true }).nullable()
      table.jsonb('edits').nullable()
      /**
       * Deleted for everyone: body, meta, edits and file are cleared.
       */
      table.timestamp('deleted_at', { useTz: true }).nullable()
      /**
       * The latest reaction of each side ([{ emoji, fromMe, at }]).
       */
      table.jsonb('reactions').nullable()
      /**
       * Media only: downloading (the gateway did not inline the bytes; a job
       * fetches them), ready, unavailable (the fetch failed for good),
       * too_large (over our cap: the message and its caption are kept).
       */
      table.string('media_status', 20).nullable()
      /**
       * The gateway's whole stored message (key and message, without
       * bytes), what getBase64FromMediaMessage needs to fetch the file.
       */
      table.jsonb('media_source').nullable()
    })
    this.schema.raw(
      `ALTER TABLE messages ADD CONSTRAINT messages_media_status_check
       CHECK (media_status IN ('downloading', 'ready', 'unavailable', 'too_large'))`
    )
    this.schema.raw(`UPDATE messages SET media_status = 'ready' WHERE media_key IS NOT NULL`)

    this.schema.alterTable('contacts', (table) => {
      table.string('picture_url', 2000).nullable()
    })

    this.schema.createTable('message_amendments', (table) => {
      table.uuid('id').primary().defaultTo(this.raw('gen_random_uuid()'))
      table
        .uuid('business_id')
        .notNullable()
        .references('id')
        .inTable('businesses')
        .onDelete('CASCADE')
      /**
       * The gateway id of the message it amends (it may not be stored yet).
       */
      table.string('target_gateway_id', 128).notNullable()
      table.string('kind', 10).notNullable()
      /**
       * Once each: `edit:<target>:<time>`, `revoke:<target>`,
       * `reaction:<the reaction message's id>`.
       */
      table.string('dedupe_key', 300).notNullable()
      /**
       * Who amended: the business's side (fromMe) or the customer's.
       */
      table.boolean('from_me').notNullable()
      /**
       * edit: { text }, reaction: { emoji } (empty removes), revoke: {}.
       */
      table.jsonb('payload').notNullable()
      table.timestamp('occurred_at', { useTz: true }).notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())

      table.unique(['business_id', 'dedupe_key'])
      table.index(['business_id', 'target_gateway_id'])
    })
    this.schema.raw(
      `ALTER TABLE message_amendments ADD CONSTRAINT message_amendments_kind_check
       CHECK (kind IN ('edit', 'revoke', 'reaction'))`
    )

    /**
     * Reactions were stored as messages: they become reactions of the
     * message they point at, and stop being messages.
     */
    this.schema.raw(
      `INSERT INTO message_amendments
         (business_id, target_gateway_id, kind, dedupe_key, from_me, payload, occurred_at)
       SELECT business_id, meta->>'targetId', 'reaction', 'reaction:' || gateway_message_id,
         direction = 'outbound', jsonb_build_object('emoji', coalesce(body, '')), sent_at
       FROM messages
       WHERE type = 'reaction' AND gateway_message_id IS NOT NULL
         AND coalesce(meta->>'targetId', '') <> ''
       ON CONFLICT DO NOTHING`
    )
    this.schema.raw(
      `UPDATE messages SET reactions = latest.reactions
       FROM (
         SELECT target.id, jsonb_agg(jsonb_build_object('emoji', last.emoji, 'fromMe', last.from_me,
           'at', last.occurred_at) ORDER BY last.from_me) AS reactions
         FROM (
           SELECT DISTINCT ON (business_id, target_gateway_id, from_me)
             business_id, target_gateway_id, from_me, payload->>'emoji' AS emoji, occurred_at
           FROM message_amendments WHERE kind = 'reaction'
           ORDER BY business_id, target_gateway_id, from_me, occurred_at DESC, dedupe_key DESC
         ) last
         JOIN messages target ON target.business_id = last.business_id
           AND target.gateway_message_id = last.target_gateway_id
         WHERE last.emoji <> ''
         GROUP BY target.id
       ) latest
       WHERE messages.id = latest.id`
    )
    this.schema.raw(`DELETE FROM messages WHERE type = 'reaction'`)
  }

  async down() {
    this.schema.dropTable('message_amendments')
    this.schema.alterTable('contacts', (table) => {
      table.dropColumn('picture_url')
    })
    this.schema.raw('ALTER TABLE messages DROP CONSTRAINT messages_media_status_check')
    this.schema.alterTable('messages', (table) => {
      table.dropColumn('quoted_gateway_id')
      table.dropColumn('quoted_text')
      table.dropColumn('edited_at')
      table.dropColumn('edits')
      table.dropColumn('deleted_at')
      table.dropColumn('reactions')
      table.dropColumn('media_status')
      table.dropColumn('media_source')
    })
  }
}

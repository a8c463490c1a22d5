import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Messages an API client queued with a mediaUrl while the gateway was down
 * kept only the link (meta.mediaUrl). Files are now downloaded and stored
 * when the message is written, and the link is no longer followed, so
 * such a message would go out without its file: it is marked as not sent,
 * with a reason the inbox puts in words, for a person to send the file
 * again.
 */
export default class extends BaseSchema {
  async up() {
    this.defer(async (db) => {
      await db.rawQuery(
        `UPDATE messages
            SET status = 'failed', error = 'media_link_retired', sending_at = NULL
          WHERE status = 'queued' AND media_key IS NULL AND meta->'mediaUrl' IS NOT NULL`
      )
    })
  }

  async down() {}
}

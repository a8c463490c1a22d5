import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The trigram indexes the webhook writes to (message bodies, contacts)
 * collect new entries in a pending list and merge it into the index when it
 * reaches gin_pending_list_limit, inside the INSERT that fills it. With the
 * default 4 MB that INSERT took 60-100 ms every ~3,100 messages (a customer's
 * delivery, and the few dozen queued behind it at 300/s, waited that long);
 * with 256 kB the merges are small (under ~10 ms) for the same total work.
 * docs/performance.md, benchmark 1.
 */
const INDEXES = ['messages_body_search_index', 'contacts_search_index']

export default class extends BaseSchema {
  async up() {
    for (const index of INDEXES) {
      this.schema.raw(`ALTER INDEX ${index} SET (gin_pending_list_limit = 256)`)
    }
  }

  async down() {
    for (const index of INDEXES) {
      this.schema.raw(`ALTER INDEX ${index} RESET (gin_pending_list_limit)`)
    }
  }
}

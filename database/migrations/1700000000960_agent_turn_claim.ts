import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Exactly one turn per conversation at a time, whoever asks (a WhatsApp
 * job, its retry, POST /agent/think): a turn claims the conversation by
 * inserting its run, and at most one run per conversation may be running
 * or replying. Its worker beats on the run while it works; another worker
 * takes a run over only once the beats stop.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('agent_runs', (table) => {
      table.timestamp('heartbeat_at', { useTz: true }).nullable()
      /**
       * What the gate stopped before it went out (reply parts, photos):
       * never sent, kept here for the run log.
       */
      table.jsonb('held_back').notNullable().defaultTo('[]')
    })

    this.defer(async (db) => {
      /**
       * Runs left active by workers that died before this release: at most
       * the newest of each conversation stays active.
       */
      await db.rawQuery(`
        UPDATE agent_runs SET outcome = 'failed', reason = 'interrupted', finished_at = now()
        WHERE outcome IN ('running', 'replying') AND conversation_id IS NOT NULL
          AND id NOT IN (
            SELECT DISTINCT ON (conversation_id) id FROM agent_runs
            WHERE outcome IN ('running', 'replying') AND conversation_id IS NOT NULL
            ORDER BY conversation_id, created_at DESC
          )
      `)
      await db.rawQuery(`
        CREATE UNIQUE INDEX agent_runs_one_active_turn ON agent_runs (conversation_id)
        WHERE outcome IN ('running', 'replying') AND conversation_id IS NOT NULL
      `)
    })
  }

  async down() {
    this.schema.raw('DROP INDEX IF EXISTS agent_runs_one_active_turn')
    this.schema.alterTable('agent_runs', (table) => {
      table.dropColumn('heartbeat_at')
      table.dropColumn('held_back')
    })
  }
}

import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import { inject } from '@adonisjs/core'
import { AGENT_REPLY_QUEUE, JobQueue } from '#services/queue/job_queue'

/**
 * How late a customer's message may be (past its reply delay) before the
 * sweeper schedules its reply, and how far back it looks: a message left
 * unanswered longer than that is for a person, not a late bot.
 */
const GRACE_SECONDS = 30
const LOOK_BACK_MINUTES = 15

/**
 * Nothing forgotten: customer messages older than their business's reply
 * delay that no turn took into account and no job is waiting for get
 * their reply scheduled.
 *
 * A sweeper rather than enqueuing in the message's transaction: the
 * webhook stores messages in one statement outside any queue transaction,
 * and the sweeper also recovers what no transaction could (a job whose
 * retries were used up by a crash, a queue that lost its jobs). Scheduling
 * is idempotent (one waiting job per conversation), so two processes
 * sweeping at once do no harm.
 */
@inject()
export default class SweepUnanswered {
  constructor(private queue: JobQueue) {}

  /**
   * Schedules what it finds and says for which conversations; `businessId`
   * sweeps one business only.
   */
  async handle(options: { businessId?: string } = {}) {
    await this.queue.start()
    const { rows } = await db.rawQuery<{ rows: { conversation_id: string }[] }>(
      `SELECT DISTINCT m.conversation_id
       FROM messages m
       JOIN businesses b ON b.id = m.business_id
       WHERE m.author = 'customer' AND m.agent_handled_at IS NULL
         AND b.bot_enabled
         AND (?::uuid IS NULL OR m.business_id = ?::uuid)
         AND m.created_at > now() - make_interval(mins => ?)
         AND m.created_at < now() - make_interval(secs => b.reply_delay_seconds + ?)
         AND NOT EXISTS (
           SELECT 1 FROM pgboss.job j
           WHERE j.name = ? AND j.singleton_key = m.conversation_id::text
             AND j.state::text IN ('created', 'retry', 'active')
         )
       LIMIT 200`,
      [
        options.businessId ?? null,
        options.businessId ?? null,
        LOOK_BACK_MINUTES,
        GRACE_SECONDS,
        AGENT_REPLY_QUEUE,
      ]
    )
    for (const row of rows) {
      await this.queue.scheduleReply(row.conversation_id, 0)
    }
    if (rows.length > 0) {
      logger.warn({ conversations: rows.length }, 'scheduled replies nobody had scheduled')
    }
    return rows.map((row) => row.conversation_id)
  }
}

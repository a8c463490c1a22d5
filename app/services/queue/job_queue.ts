import { PgBoss } from 'pg-boss'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'

export const AGENT_REPLY_QUEUE = 'agent-reply'

export type AgentReplyJob = { conversationId: string }

type Handler<T> = (data: T, job: { id: string; retryCount: number }) => Promise<void>

/**
 * Durable jobs in PostgreSQL (pg-boss): a crash between a customer's
 * message and the reply loses nothing, and several app processes share the
 * work. On the embedded database pg-boss runs its SQL through the app's
 * single connection (PGlite serves one session).
 */
export class JobQueue {
  #boss: PgBoss | null = null
  #starting: Promise<PgBoss> | null = null
  #workers = new Map<string, string>()
  #wakeups = new Set<NodeJS.Timeout>()

  async start() {
    this.#starting ??= this.#start()
    return this.#starting
  }

  async #start() {
    const url = env.get('DATABASE_URL')
    const boss = url
      ? new PgBoss({ connectionString: url, max: 4, schema: 'pgboss' })
      : new PgBoss({ db: { executeSql: executeThroughLucid }, schema: 'pgboss' })

    boss.on('error', (error) => logger.error({ err: error }, 'job queue error'))
    await boss.start()
    await boss
      .createQueue(AGENT_REPLY_QUEUE, {
        /**
         * A turn that crashed or hung is retried (by any worker) after this.
         */
        expireInSeconds: 180,
        retryLimit: 3,
        retryDelay: 2,
        retryBackoff: true,
      })
      .catch(async (error) => {
        if (!String(error?.message).includes('already exists')) throw error
      })
    this.#boss = boss
    return boss
  }

  /**
   * Asks for a reply in a conversation once it has been quiet for
   * `delaySeconds`. Called again while the job waits, it pushes the time
   * back: a burst of messages gets one reply.
   */
  async scheduleReply(conversationId: string, delaySeconds: number) {
    const boss = await this.start()
    const startAfter = new Date(Date.now() + delaySeconds * 1000)
    await boss.upsert(AGENT_REPLY_QUEUE, { conversationId } satisfies AgentReplyJob, {
      singletonKey: conversationId,
      startAfter,
    })
    this.#wake(AGENT_REPLY_QUEUE, delaySeconds * 1000)
  }

  async work<T extends object>(queue: string, concurrency: number, handler: Handler<T>) {
    const boss = await this.start()
    const workerId = await boss.work<T>(
      queue,
      { localConcurrency: concurrency, pollingIntervalSeconds: 1 },
      async ([job]) => {
        await handler(job.data, {
          id: job.id,
          retryCount: (job as { retryCount?: number }).retryCount ?? 0,
        })
      }
    )
    this.#workers.set(queue, workerId)
  }

  /**
   * Wakes this process's worker when a job it just scheduled is due, so a
   * customer never waits for a polling tick.
   */
  #wake(queue: string, afterMs: number) {
    const workerId = this.#workers.get(queue)
    if (!workerId || !this.#boss) return
    const timer = setTimeout(() => {
      this.#wakeups.delete(timer)
      this.#boss?.notifyWorker(workerId)
    }, afterMs + 20)
    timer.unref()
    this.#wakeups.add(timer)
  }

  /**
   * Stops taking jobs; those in progress finish (or are handed back to
   * the queue when the grace period ends).
   */
  async stop(graceMs = 20_000) {
    for (const timer of this.#wakeups) clearTimeout(timer)
    this.#wakeups.clear()
    const boss = this.#boss
    this.#boss = null
    this.#starting = null
    this.#workers.clear()
    if (boss) {
      await boss.stop({ graceful: true, timeout: graceMs })
    }
  }
}

async function executeThroughLucid(text: string, values: unknown[] = []) {
  const knex = db.connection().getWriteClient()
  const client = knex.client as unknown as {
    acquireConnection(): Promise<{
      query(text: string, values: unknown[]): Promise<{ rows: any[] }>
    }>
    releaseConnection(connection: unknown): Promise<void>
  }
  const connection = await client.acquireConnection()
  try {
    return await connection.query(text, values)
  } finally {
    await client.releaseConnection(connection)
  }
}

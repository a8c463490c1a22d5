import { PgBoss, type Queue } from 'pg-boss'
import logger from '@adonisjs/core/services/logger'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { databaseUrl } from '#config/database'
import { longestTurnMs } from '#config/agent'

/**
 * One queue of agent turns. `stately`: per conversation (the singleton
 * key) at most one turn waits and one runs, across every worker process, so
 * two workers never answer the same conversation at once.
 */
export const AGENT_REPLY_QUEUE = 'agent-replies'

export type AgentReplyJob = { conversationId: string }

/**
 * Messages that could not go out because the WhatsApp gateway was down:
 * one job per conversation sends its queued messages in order, retried with
 * a growing wait (5 s to 2 min, about 13 minutes in all); then they are
 * marked failed for a person to retry.
 */
export const OUTBOUND_QUEUE = 'outbound-deliveries'
export const OUTBOUND_RETRY_LIMIT = 10

export type OutboundDeliveryJob = { conversationId: string }

/**
 * A second look at an edit, delete or reaction whose message was not
 * stored when it arrived (the message may have been committed meanwhile).
 */
export const AMENDMENT_QUEUE = 'message-amendments'
const AMENDMENT_CHECK_SECONDS = 60

export type AmendmentCheckJob = { businessId: string; targetGatewayId: string }

/**
 * Files the gateway did not inline, fetched from it: retried with a growing
 * wait (10 s to 5 min, about 15 minutes in all); then the message shows the
 * file as unavailable, for a person to retry.
 */
export const MEDIA_QUEUE = 'message-media'
export const MEDIA_RETRY_LIMIT = 6

export type MediaFetchJob = { messageId: string }

/**
 * Voice notes transcribed with the business's key (the transcriber retries
 * the provider itself): a job that crashed is retried twice, 3 s then 6 s
 * later; then the audio is "unheard" and the business's choice applies.
 */
export const TRANSCRIPT_QUEUE = 'message-transcripts'
export const TRANSCRIPT_RETRY_LIMIT = 2

export type TranscriptJob = { messageId: string }

const QUEUES: Record<string, Omit<Queue, 'name'>> = {
  [AGENT_REPLY_QUEUE]: {
    /**
     * Longer than the longest turn (config/agent longestTurnMs says how
     * long that is): a job never expires while its turn still works. A
     * worker that dies is noticed by its missed heartbeats instead.
     */
    expireInSeconds: Math.ceil(longestTurnMs() / 1000),
    heartbeatSeconds: 10,
    retryLimit: 3,
    retryDelay: 2,
    retryBackoff: true,
    notify: true,
  },
  [OUTBOUND_QUEUE]: {
    expireInSeconds: 120,
    heartbeatSeconds: 10,
    retryLimit: OUTBOUND_RETRY_LIMIT,
    retryDelay: 5,
    retryBackoff: true,
    retryDelayMax: 120,
    notify: true,
  },
  [MEDIA_QUEUE]: {
    expireInSeconds: 300,
    heartbeatSeconds: 10,
    retryLimit: MEDIA_RETRY_LIMIT,
    retryDelay: 10,
    retryBackoff: true,
    retryDelayMax: 300,
    notify: true,
  },
  [TRANSCRIPT_QUEUE]: {
    expireInSeconds: 180,
    heartbeatSeconds: 10,
    retryLimit: TRANSCRIPT_RETRY_LIMIT,
    retryDelay: 3,
    retryBackoff: true,
    retryDelayMax: 30,
    notify: true,
  },
  [AMENDMENT_QUEUE]: {
    expireInSeconds: 60,
    heartbeatSeconds: 10,
    retryLimit: 3,
    retryDelay: 30,
    retryBackoff: true,
  },
}

/**
 * Creates the queue (stately: per conversation, one job waits and one runs)
 * or brings an existing one's options up to date.
 */
async function ensureQueue(boss: PgBoss, name: string, options: Omit<Queue, 'name'>) {
  if (await boss.getQueue(name)) {
    const { policy, partition, deadLetter, ...updatable } = options
    await boss.updateQueue(name, updatable)
    return
  }
  await boss.createQueue(name, { policy: 'stately', ...options }).catch((error) => {
    /**
     * Another process created it at the same moment.
     */
    if (!String(error?.message).includes('already exists')) throw error
  })
}

/**
 * `signal` aborts when the queue no longer holds the job for this worker
 * (expired, or the process is stopping past its grace period): the
 * handler stops at its next step.
 */
type Handler<T> = (
  data: T,
  job: { id: string; retryCount: number; signal: AbortSignal }
) => Promise<void>

/**
 * A worker that stops sending heartbeats (killed, frozen, cut off; every
 * queue expects one each 10 s) has its job handed to another worker at the
 * next supervision pass.
 */
const SUPERVISE_SECONDS = 5
/**
 * Workers look for due jobs this often (pg-boss's fastest), besides being
 * woken at once by PostgreSQL's NOTIFY when a job is queued.
 */
const POLLING_SECONDS = 0.5

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
    /**
     * Tests share one embedded connection with the queue: no maintenance
     * runs behind their backs (nothing there needs expiry or heartbeats).
     */
    const timing = app.inTest
      ? { supervise: false, schedule: false, registerInstance: false }
      : {
          superviseIntervalSeconds: SUPERVISE_SECONDS,
          monitorIntervalSeconds: SUPERVISE_SECONDS,
          schedule: false,
        }
    const boss = databaseUrl
      ? new PgBoss({
          connectionString: databaseUrl,
          max: 4,
          schema: 'pgboss',
          useListenNotify: true,
          ...timing,
        })
      : new PgBoss({ db: { executeSql: executeThroughLucid }, schema: 'pgboss', ...timing })

    boss.on('error', (error) => logger.error({ err: error }, 'job queue error'))
    boss.on('warning', (warning) => logger.warn({ warning }, 'job queue warning'))
    await boss.start()
    for (const [name, options] of Object.entries(QUEUES)) {
      await ensureQueue(boss, name, options)
    }
    this.#boss = boss
    return boss
  }

  /**
   * Whether the queue answers (readiness).
   */
  async ping() {
    const boss = await this.start()
    await boss.getQueue(AGENT_REPLY_QUEUE)
  }

  /**
   * Asks for a reply in a conversation once it has been quiet for
   * `delaySeconds`. Called again while the job waits, it pushes the time
   * back: a burst of messages gets one reply.
   */
  async scheduleReply(conversationId: string, delaySeconds: number) {
    const boss = await this.start()
    if (delaySeconds <= 0) {
      /**
       * Due at once: nothing to push back. One statement instead of the
       * upsert's transaction; a job already waiting for this conversation
       * (one per state, the queue's policy) answers this message too.
       */
      await boss.send(AGENT_REPLY_QUEUE, { conversationId } satisfies AgentReplyJob, {
        singletonKey: conversationId,
      })
    } else {
      const startAfter = new Date(Date.now() + delaySeconds * 1000)
      await boss.upsert(AGENT_REPLY_QUEUE, { conversationId } satisfies AgentReplyJob, {
        singletonKey: conversationId,
        startAfter,
      })
    }
    this.#wake(AGENT_REPLY_QUEUE, delaySeconds * 1000)
  }

  /**
   * Brings the conversation's reply forward to now: a job waiting to look
   * again later (a turn waiting for a transcript) runs at once, or one is
   * made.
   */
  async replyNow(conversationId: string) {
    const boss = await this.start()
    await boss.upsert(AGENT_REPLY_QUEUE, { conversationId } satisfies AgentReplyJob, {
      singletonKey: conversationId,
      /**
       * A moment ago by this clock: due at once, whatever the database's
       * clock says.
       */
      startAfter: new Date(Date.now() - 60_000),
    })
    this.#wake(AGENT_REPLY_QUEUE, 0)
  }

  /**
   * Asks for the conversation's queued messages to be sent in a while (the
   * gateway just failed). One waiting job per conversation is enough.
   */
  async scheduleDelivery(conversationId: string, delaySeconds = 5) {
    const boss = await this.start()
    await boss.send(OUTBOUND_QUEUE, { conversationId } satisfies OutboundDeliveryJob, {
      singletonKey: conversationId,
      startAfter: delaySeconds,
    })
    this.#wake(OUTBOUND_QUEUE, delaySeconds * 1000)
  }

  /**
   * Applies a waiting amendment in a minute if its message arrived.
   */
  async scheduleAmendmentCheck(businessId: string, targetGatewayId: string) {
    const boss = await this.start()
    await boss.send(AMENDMENT_QUEUE, { businessId, targetGatewayId } satisfies AmendmentCheckJob, {
      singletonKey: `${businessId}:${targetGatewayId}`,
      startAfter: AMENDMENT_CHECK_SECONDS,
    })
  }

  /**
   * Fetches a message's file from the gateway now (one job per message).
   */
  async scheduleMediaFetch(messageId: string) {
    const boss = await this.start()
    await boss.send(MEDIA_QUEUE, { messageId } satisfies MediaFetchJob, { singletonKey: messageId })
    this.#wake(MEDIA_QUEUE, 0)
  }

  /**
   * Transcribes a voice note now (one job per message).
   */
  async scheduleTranscription(messageId: string) {
    const boss = await this.start()
    await boss.send(TRANSCRIPT_QUEUE, { messageId } satisfies TranscriptJob, {
      singletonKey: messageId,
    })
    this.#wake(TRANSCRIPT_QUEUE, 0)
  }

  async work<T extends object>(queue: string, concurrency: number, handler: Handler<T>) {
    const boss = await this.start()
    const workerId = await boss.work<T>(
      queue,
      {
        localConcurrency: concurrency,
        pollingIntervalSeconds: POLLING_SECONDS,
        notifyPollingIntervalSeconds: POLLING_SECONDS,
      },
      async ([job]) => {
        await handler(job.data, { id: job.id, retryCount: job.retryCount, signal: job.signal })
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
    /**
     * A job due now is in the table already (its insert was awaited); a
     * delayed one is looked for a little after it falls due.
     */
    const timer = setTimeout(
      () => {
        this.#wakeups.delete(timer)
        this.#boss?.notifyWorker(workerId)
      },
      afterMs <= 0 ? 0 : afterMs + 20
    )
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

/**
 * pg-boss's SQL on the embedded database, through the app's single pooled
 * connection (or a test's global transaction, which holds it).
 */
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

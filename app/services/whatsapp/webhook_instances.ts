import { createHash, timingSafeEqual } from 'node:crypto'
import WhatsappInstance from '#models/whatsapp_instance'
import { preparedQuery } from '#services/sql'
import logger from '@adonisjs/core/services/logger'

/**
 * What a webhook delivery needs to know of the instance it is for.
 */
export type WebhookInstance = { id: string; businessId: string; instanceName: string }

/**
 * `secretDigest` is null when the stored secret does not decrypt (APP_KEY
 * changed without the old key in APP_OLD_KEYS): nothing is accepted for it.
 */
type Entry = { instance: WebhookInstance; secretDigest: Buffer | null; expiresAt: number }

/**
 * How long an instance read for one delivery answers the next ones
 * without a query. A delivery whose secret does not match what is
 * remembered always reads the instance again, so a new secret is never
 * refused; an instance deleted by another replica may still be accepted
 * for this long (one deleted here is forgotten at once).
 */
const REMEMBER_MS = 5_000
const MOST_REMEMBERED = 10_000

/**
 * Authenticates the gateway's webhook deliveries: the instance named in
 * the delivery and the secret it was given when it was created. The
 * gateway sends many deliveries per second for a busy shop: the instance
 * is read once every few seconds, not once per delivery.
 */
class WebhookInstances {
  #entries = new Map<string, Entry>()
  #warned = new Set<string>()

  async authenticate(
    instanceName: string,
    authorization: string
  ): Promise<WebhookInstance | 'unknown' | 'wrong secret'> {
    const given = digest(authorization)
    const remembered = this.#entries.get(instanceName)
    if (
      remembered?.secretDigest &&
      remembered.expiresAt > Date.now() &&
      timingSafeEqual(remembered.secretDigest, given)
    ) {
      return remembered.instance
    }

    const [row] = await preparedQuery<{
      id: string
      business_id: string
      instance_name: string
      webhook_secret: string
    }>(
      'SELECT id, business_id, instance_name, webhook_secret FROM whatsapp_instances WHERE instance_name = $1',
      [instanceName]
    )
    if (!row) {
      this.#entries.delete(instanceName)
      /**
       * The same work as a wrong secret: an unknown name takes as long.
       */
      timingSafeEqual(UNKNOWN_DIGEST, given)
      return 'unknown'
    }
    const secret = WhatsappInstance.decrypt(row.webhook_secret)
    if (secret === null) this.#warnUndecryptable(instanceName)
    const entry: Entry = {
      instance: { id: row.id, businessId: row.business_id, instanceName: row.instance_name },
      secretDigest: secret === null ? null : digest(`Bearer ${secret}`),
      expiresAt: Date.now() + REMEMBER_MS,
    }
    this.#remember(instanceName, entry)
    if (!entry.secretDigest) return 'wrong secret'
    return timingSafeEqual(entry.secretDigest, given) ? entry.instance : 'wrong secret'
  }

  /**
   * Once per instance and process: the operator must put the old key in
   * APP_OLD_KEYS (and run node ace keys:rotate).
   */
  #warnUndecryptable(instanceName: string) {
    if (this.#warned.has(instanceName)) return
    this.#warned.add(instanceName)
    logger.warn(
      { instanceName },
      "a WhatsApp instance's webhook secret does not decrypt with APP_KEY or APP_OLD_KEYS: its deliveries are refused"
    )
  }

  forget(instanceName: string) {
    this.#entries.delete(instanceName)
  }

  #remember(instanceName: string, entry: Entry) {
    if (this.#entries.size >= MOST_REMEMBERED) {
      const now = Date.now()
      for (const [name, other] of this.#entries) {
        if (other.expiresAt <= now) this.#entries.delete(name)
      }
      if (this.#entries.size >= MOST_REMEMBERED) this.#entries.clear()
    }
    this.#entries.set(instanceName, entry)
  }
}

/**
 * Hashing first makes the lengths equal for the constant-time comparison.
 */
function digest(value: string) {
  return createHash('sha256').update(value).digest()
}

const UNKNOWN_DIGEST = digest('no instance')

/**
 * Deliveries authenticated by the instance their address names, before
 * their body was read.
 */
export const preAuthenticated = new WeakMap<object, WebhookInstance>()

export const webhookInstances = new WebhookInstances()

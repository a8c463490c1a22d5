import { createHash, timingSafeEqual } from 'node:crypto'
import WhatsappInstance from '#models/whatsapp_instance'
import { preparedQuery } from '#services/sql'
import { isBlockedAddress } from '#services/outbound_guard'
import logger from '@adonisjs/core/services/logger'
import type { HttpContext } from '@adonisjs/core/http'
import limiter from '@adonisjs/limiter/services/main'

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
  /**
   * The secret each instance last got through with here (no expiry): what
   * still passes while its name or the caller's address is blocked.
   */
  #accepted = new Map<string, Buffer>()

  /**
   * A delivery's authentication, with failures limited: 20 failed
   * authentications a minute for one instance name, or from one public
   * address, block that name or address for 10 minutes.
   *
   * - A blocked public address gets 429 without a query, except for the
   *   secret this process last accepted for the instance (checked in
   *   memory): a stranger guessing names or secrets costs no database work.
   *   Addresses on the deployment's own networks (where the gateway
   *   delivers from) are never blocked: that would cut every shop off.
   * - A blocked instance name is read at most once per REMEMBER_MS and
   *   compared in memory: guessing its secret costs nothing more, and the
   *   gateway's own deliveries still get through (a name cannot be used
   *   to lock its shop out).
   */
  async authenticateDelivery(
    instanceName: string,
    authorization: string | undefined,
    address: string
  ): Promise<WebhookInstance | 'refused' | 'throttled'> {
    const store = failures()
    const publicAddress = !isBlockedAddress(address)
    const addressKey = `webhook_address_${address}`
    const instanceKey = `webhook_instance_${instanceName.slice(0, 100)}`
    const [addressBlocked, instanceBlocked] = await Promise.all([
      publicAddress ? store.isBlocked(addressKey) : false,
      store.isBlocked(instanceKey),
    ])
    const given = authorization ? digest(authorization) : null

    if (addressBlocked) {
      const known = this.#accepted.get(instanceName)
      const remembered = this.#entries.get(instanceName)
      return given && known && remembered && timingSafeEqual(known, given)
        ? remembered.instance
        : 'throttled'
    }
    if (instanceBlocked) {
      const remembered = this.#entries.get(instanceName)
      if (remembered && remembered.expiresAt > Date.now()) {
        return given && remembered.secretDigest && timingSafeEqual(remembered.secretDigest, given)
          ? remembered.instance
          : 'throttled'
      }
      const outcome = authorization ? await this.authenticate(instanceName, authorization) : null
      return typeof outcome === 'object' && outcome !== null ? outcome : 'throttled'
    }

    const outcome = authorization ? await this.authenticate(instanceName, authorization) : 'unknown'
    if (outcome !== 'unknown' && outcome !== 'wrong secret') return outcome
    for (const key of publicAddress ? [addressKey, instanceKey] : [instanceKey]) {
      const { consumed, limit } = await store.increment(key)
      if (consumed >= limit) await store.block(key, FAILURE_BLOCK)
    }
    return 'refused'
  }

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
      this.#accept(instanceName, given)
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
    if (!entry.secretDigest || !timingSafeEqual(entry.secretDigest, given)) return 'wrong secret'
    this.#accept(instanceName, given)
    return entry.instance
  }

  #accept(instanceName: string, given: Buffer) {
    if (this.#accepted.size >= MOST_REMEMBERED) this.#accepted.clear()
    this.#accepted.set(instanceName, given)
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
    this.#accepted.delete(instanceName)
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

const FAILURE_BLOCK = '10 minutes'
const failures = () =>
  limiter.use({ requests: 20, duration: '1 minute', blockDuration: FAILURE_BLOCK })

/**
 * Clears the failed authentications of an address or an instance name.
 */
export async function forgetFailedDeliveries(keys: { address?: string; instanceName?: string }) {
  const store = failures()
  if (keys.address) await store.delete(`webhook_address_${keys.address}`)
  if (keys.instanceName) await store.delete(`webhook_instance_${keys.instanceName}`)
}

/**
 * Deliveries authenticated by the instance their address names, before
 * their body was read.
 */
export const preAuthenticated = new WeakMap<object, WebhookInstance>()

/**
 * The answer to a delivery that did not authenticate.
 */
export function refuseDelivery(ctx: HttpContext, outcome: 'refused' | 'throttled') {
  if (outcome === 'throttled') {
    ctx.response.header('retry-after', '600')
    return ctx.response.tooManyRequests({ message: 'Too many failed authentications' })
  }
  return ctx.response.unauthorized({ message: 'Unauthorized' })
}

export const webhookInstances = new WebhookInstances()

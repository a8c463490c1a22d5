import { createHash, timingSafeEqual } from 'node:crypto'
import WhatsappInstance from '#models/whatsapp_instance'
import { preparedQuery } from '#services/sql'

/**
 * What a webhook delivery needs to know of the instance it is for.
 */
export type WebhookInstance = { id: string; businessId: string; instanceName: string }

type Entry = { instance: WebhookInstance; secretDigest: Buffer; expiresAt: number }

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

  async authenticate(
    instanceName: string,
    authorization: string
  ): Promise<WebhookInstance | 'unknown' | 'wrong secret'> {
    const given = digest(authorization)
    const remembered = this.#entries.get(instanceName)
    if (
      remembered &&
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
      return 'unknown'
    }
    const entry: Entry = {
      instance: { id: row.id, businessId: row.business_id, instanceName: row.instance_name },
      secretDigest: digest(`Bearer ${WhatsappInstance.decrypt(row.webhook_secret)}`),
      expiresAt: Date.now() + REMEMBER_MS,
    }
    this.#remember(instanceName, entry)
    return timingSafeEqual(entry.secretDigest, given) ? entry.instance : 'wrong secret'
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

export const webhookInstances = new WebhookInstances()

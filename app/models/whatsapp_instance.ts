import { WhatsappInstanceSchema } from '#database/schema'
import encryption from '@adonisjs/core/services/encryption'
import { afterDelete, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Business from '#models/business'
import { webhookInstances } from '#services/whatsapp/webhook_instances'

/**
 * `reconnecting`: the connection was open and dropped; the gateway
 * reconnects by itself (its "connecting" after "open").
 */
export type InstanceStatus = 'pending_qr' | 'open' | 'reconnecting' | 'closed' | 'refused'

/**
 * A business's connection on the WhatsApp gateway. Its gateway token and
 * webhook secret are stored encrypted and never serialized.
 */
export default class WhatsappInstance extends WhatsappInstanceSchema {
  declare status: InstanceStatus

  @column({ serializeAs: null })
  declare token: string

  @column({ serializeAs: null })
  declare webhookSecret: string

  @column({ serializeAs: null })
  declare qrCode: string | null

  @belongsTo(() => Business)
  declare business: BelongsTo<typeof Business>

  /**
   * Its webhook deliveries are refused from now on in this process (other
   * replicas forget it within seconds).
   */
  @afterDelete()
  static forgetWebhookSecret(instance: WhatsappInstance) {
    webhookInstances.forget(instance.instanceName)
  }

  static encrypt(value: string) {
    return encryption.encrypt(value)
  }

  /**
   * A stored token or webhook secret in clear (also for rows read
   * without the model).
   */
  /**
   * The secret, or null when it does not decrypt with any of the app's
   * keys (callers refuse rather than use a "null" secret).
   */
  static decrypt(stored: string) {
    return encryption.decrypt<string>(stored)
  }

  revealToken() {
    return readable(WhatsappInstance.decrypt(this.token), 'token')
  }

  revealWebhookSecret() {
    return readable(WhatsappInstance.decrypt(this.webhookSecret), 'webhook secret')
  }

  /**
   * Linked to the business's phone: connected, or reconnecting after a
   * drop. Messages may be written; while it reconnects they wait in the
   * outbound queue instead of failing.
   */
  isPaired() {
    return this.status === 'open' || this.status === 'reconnecting'
  }

  /**
   * What the gateway needs to act on this instance.
   */
  credentials() {
    return { instanceName: this.instanceName, token: this.revealToken() }
  }
}

/**
 * A secret that does not decrypt stops what needed it, saying why.
 */
function readable(value: string | null, what: string) {
  if (value === null) {
    throw new Error(
      `The WhatsApp instance's ${what} does not decrypt: APP_KEY changed without the old key in APP_OLD_KEYS`
    )
  }
  return value
}

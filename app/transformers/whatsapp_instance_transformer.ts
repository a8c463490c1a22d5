import { BaseTransformer } from '@adonisjs/core/transformers'
import type WhatsappInstance from '#models/whatsapp_instance'

/**
 * The connection's state for pages and API clients. Tokens and secrets are
 * never part of it; the QR code only when asked for (it is large).
 */
export default class WhatsappInstanceTransformer extends BaseTransformer<WhatsappInstance> {
  toObject() {
    return {
      status: this.resource.status,
      /**
       * Messages may be written (open, or reconnecting: they wait for it).
       */
      connected: this.resource.isPaired(),
      phone: this.resource.phone,
      profileName: this.resource.profileName,
      lastConnection: this.resource.lastConnectionAt?.toISO() ?? null,
      lastError: this.resource.lastError,
      driver: this.resource.driver,
    }
  }

  withQr() {
    return {
      ...this.toObject(),
      qr: this.resource.status === 'pending_qr' ? this.resource.qrCode : null,
    }
  }
}

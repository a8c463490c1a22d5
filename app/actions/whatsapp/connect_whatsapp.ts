import { inject } from '@adonisjs/core'
import { randomBytes, randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import type Business from '#models/business'
import WhatsappInstance from '#models/whatsapp_instance'
import { webhookUrlFor } from '#config/whatsapp'
import { BusinessEvents } from '#services/business_events'
import { WhatsAppGateway, type QrState } from '#services/whatsapp/whatsapp_gateway'
import WhatsappInstanceTransformer from '#transformers/whatsapp_instance_transformer'

/**
 * Creates the business's instance on the gateway, or, when it has one,
 * starts its connection again: either way the owner gets a fresh QR (or
 * "connected" when the phone is still paired).
 */
@inject()
export default class ConnectWhatsapp {
  constructor(
    private gateway: WhatsAppGateway,
    private events: BusinessEvents
  ) {}

  async handle(business: Business): Promise<{ instance: WhatsappInstance; created: boolean }> {
    const existing = await business.whatsapp()
    if (existing) {
      const state = await this.gateway.connect(existing.credentials())
      await this.#apply(existing, state)
      return { instance: existing, created: false }
    }

    const instanceName = `atiende-${business.id.slice(0, 8)}-${randomBytes(3).toString('hex')}`
    const token = randomUUID().toUpperCase()
    const webhookSecret = randomBytes(32).toString('base64url')

    /**
     * The gateway first: if it refuses, nothing is stored.
     */
    const state = await this.gateway.createInstance({
      instanceName,
      token,
      webhookUrl: webhookUrlFor(instanceName),
      webhookSecret,
    })

    const instance = new WhatsappInstance().merge({
      businessId: business.id,
      driver: this.gateway.driver,
      instanceName,
      token: WhatsappInstance.encrypt(token),
      webhookSecret: WhatsappInstance.encrypt(webhookSecret),
      status: 'pending_qr',
    })
    await this.#apply(instance, state)
    return { instance, created: true }
  }

  async #apply(instance: WhatsappInstance, state: QrState) {
    if (state.state === 'open') {
      instance.status = 'open'
      instance.qrCode = null
    } else {
      instance.status = 'pending_qr'
      if (state.qr) {
        instance.qrCode = state.qr
        instance.qrUpdatedAt = DateTime.now()
      }
    }
    instance.lastError = null
    await instance.save()
    this.events.broadcast(instance.businessId, {
      type: 'whatsapp.updated',
      instance: new WhatsappInstanceTransformer(instance).withQr(),
    })
  }
}

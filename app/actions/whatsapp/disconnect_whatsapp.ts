import { inject } from '@adonisjs/core'
import type WhatsappInstance from '#models/whatsapp_instance'
import { BusinessEvents } from '#services/business_events'
import { WhatsAppGateway } from '#services/whatsapp/whatsapp_gateway'
import WhatsappInstanceTransformer from '#transformers/whatsapp_instance_transformer'

/**
 * Unpairs the phone (logout) or removes the instance from the gateway
 * altogether (the conversation history stays).
 */
@inject()
export default class DisconnectWhatsapp {
  constructor(
    private gateway: WhatsAppGateway,
    private events: BusinessEvents
  ) {}

  async logout(instance: WhatsappInstance) {
    await this.gateway.logout(instance.credentials())
    instance.status = 'closed'
    instance.qrCode = null
    await instance.save()
    this.events.broadcast(instance.businessId, {
      type: 'whatsapp.updated',
      instance: new WhatsappInstanceTransformer(instance).toObject(),
    })
  }

  async remove(instance: WhatsappInstance) {
    await this.gateway.deleteInstance(instance.credentials())
    await instance.delete()
    this.events.broadcast(instance.businessId, {
      type: 'whatsapp.updated',
      instance: { status: 'none' },
    })
  }
}

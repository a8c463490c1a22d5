import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import WhatsappInstance from '#models/whatsapp_instance'
import { webhookUrlFor } from '#config/whatsapp'
import { WhatsAppGateway } from '#services/whatsapp/whatsapp_gateway'

/**
 * Points every instance on the Evolution gateway at our webhook again, with
 * the events Atiende handles today and each instance's own secret: an
 * instance keeps the events it was created with, so one created before an
 * event was added would never send it. One instance that fails is logged
 * and the others go on.
 */
@inject()
export default class ResubscribeWebhooks {
  constructor(private gateway: WhatsAppGateway) {}

  async handle(): Promise<{ subscribed: number; failed: number }> {
    const instances = await WhatsappInstance.query().where('driver', 'evolution').orderBy('id') // tenancy: root (the operator's command, every business)
    let subscribed = 0
    let failed = 0
    for (const instance of instances) {
      try {
        await this.gateway.setWebhook(instance.credentials(), {
          url: webhookUrlFor(instance.instanceName),
          secret: instance.revealWebhookSecret(),
        })
        subscribed += 1
      } catch (error) {
        failed += 1
        logger.warn(
          { err: error, businessId: instance.businessId, instance: instance.instanceName },
          'could not set the webhook of a WhatsApp instance'
        )
      }
    }
    return { subscribed, failed }
  }
}

import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import WhatsappInstance from '#models/whatsapp_instance'
import IngestGatewayEvents from '#actions/whatsapp/ingest_gateway_events'
import { WhatsAppGateway } from '#services/whatsapp/whatsapp_gateway'

/**
 * The simulator's webhook deliveries: parsed and ingested exactly like the
 * gateway's (authentication aside: they never leave the process).
 */
@inject()
export default class DeliverSimulatedWebhook {
  constructor(
    private gateway: WhatsAppGateway,
    private ingest: IngestGatewayEvents
  ) {}

  async handle(delivery: unknown) {
    try {
      const parsed = await this.gateway.parseWebhook(delivery)
      const instance = await WhatsappInstance.findBy('instance_name', parsed.instanceName) // tenancy: root (a delivery names its instance)
      if (instance) {
        await this.ingest.handle(instance, parsed.events)
      }
    } catch (error) {
      logger.error({ err: error }, 'simulated webhook delivery failed')
    }
  }
}

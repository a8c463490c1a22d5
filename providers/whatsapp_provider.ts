import type { ApplicationService } from '@adonisjs/core/types'
import { WhatsAppGateway } from '#services/whatsapp/whatsapp_gateway'

/**
 * Binds the WhatsApp gateway chosen by WHATSAPP_DRIVER. Tests swap it for
 * one pointed at their fake gateway (container.swap).
 */
export default class WhatsAppProvider {
  constructor(protected app: ApplicationService) {}

  register() {
    this.app.container.singleton(WhatsAppGateway, async () => {
      const { default: config } = await import('#config/whatsapp')

      if (config.driver === 'simulator') {
        const { SimulatorGateway } = await import('#services/whatsapp/simulator_gateway')
        return new SimulatorGateway()
      }

      if (!config.evolution.url || !config.evolution.apiKey) {
        throw new Error(
          'WHATSAPP_DRIVER=evolution needs EVOLUTION_API_URL and EVOLUTION_API_KEY. ' +
            'Set them, or WHATSAPP_DRIVER=simulator to try Atiende without a gateway.'
        )
      }
      const { EvolutionGateway } = await import('#services/whatsapp/evolution_gateway')
      return new EvolutionGateway({ url: config.evolution.url, apiKey: config.evolution.apiKey })
    })
  }

  /**
   * The web server refuses to start with an incomplete gateway setup.
   */
  async start() {
    if (this.app.getEnvironment() === 'web' && this.app.getMode() !== 'warmup') {
      await this.app.container.make(WhatsAppGateway)
    }
  }

  /**
   * In production the web server brings every instance's webhook up to
   * date (new events reach instances created before them), in the
   * background: starting never waits for the gateway. Several replicas
   * doing it at once set the same webhook.
   */
  async ready() {
    if (this.app.getEnvironment() !== 'web' || this.app.getMode() === 'warmup') return
    if (!this.app.inProduction) return
    const gateway = await this.app.container.make(WhatsAppGateway)
    if (gateway.driver !== 'evolution') return
    void this.#resubscribe()
  }

  async #resubscribe() {
    const { default: logger } = await import('@adonisjs/core/services/logger')
    try {
      const { default: ResubscribeWebhooks } =
        await import('#actions/whatsapp/resubscribe_webhooks')
      const resubscribe = await this.app.container.make(ResubscribeWebhooks)
      const counts = await resubscribe.handle()
      logger.info(counts, 'whatsapp webhooks resubscribed')
    } catch (error) {
      logger.error({ err: error }, 'could not resubscribe the whatsapp webhooks')
    }
  }
}

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
}

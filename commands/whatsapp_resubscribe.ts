import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Sets the webhook (URL, secret and the events Atiende handles) of every
 * instance on the Evolution gateway again. The web process does the same
 * when it starts in production; this is for doing it by hand.
 */
export default class WhatsappResubscribe extends BaseCommand {
  static commandName = 'whatsapp:resubscribe'
  static description = 'Set the webhook and events of every WhatsApp instance on the gateway again'
  static options: CommandOptions = { startApp: true }

  async run() {
    const { WhatsAppGateway } = await import('#services/whatsapp/whatsapp_gateway')
    const gateway = await this.app.container.make(WhatsAppGateway)
    if (gateway.driver !== 'evolution') {
      this.logger.info(`The WhatsApp driver is ${gateway.driver}: there is no gateway to update`)
      return
    }

    const { default: ResubscribeWebhooks } = await import('#actions/whatsapp/resubscribe_webhooks')
    const resubscribe = await this.app.container.make(ResubscribeWebhooks)
    const { subscribed, failed } = await resubscribe.handle()
    this.logger.info(`${subscribed} instance(s) resubscribed, ${failed} failed`)
    if (failed > 0) {
      this.logger.error('Some instances could not be updated: see the log above, then run it again')
      this.exitCode = 1
    }
  }
}

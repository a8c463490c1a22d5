import env from '#start/env'

/**
 * The WhatsApp gateway Atiende talks to (see providers/whatsapp_provider.ts).
 */
const driver = env.get('WHATSAPP_DRIVER') ?? (env.get('DATABASE_URL') ? 'evolution' : 'simulator')

const whatsappConfig = {
  driver,
  evolution: {
    url: env.get('EVOLUTION_API_URL'),
    apiKey: env.get('EVOLUTION_API_KEY'),
  },
  /**
   * Where the gateway posts its webhooks.
   */
  webhookUrl:
    env.get('WHATSAPP_WEBHOOK_URL') ??
    `${env.get('APP_URL').replace(/\/+$/, '')}/webhooks/whatsapp`,
}

/**
 * An instance's own webhook address: its name in the query lets a
 * delivery be authenticated before its body is read.
 */
export function webhookUrlFor(instanceName: string) {
  const url = new URL(whatsappConfig.webhookUrl)
  url.searchParams.set('instance', instanceName)
  return url.toString()
}

export default whatsappConfig

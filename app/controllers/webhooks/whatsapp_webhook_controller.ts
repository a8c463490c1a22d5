import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import IngestGatewayEvents from '#actions/whatsapp/ingest_gateway_events'
import { WhatsAppGateway } from '#services/whatsapp/whatsapp_gateway'
import { InvalidWebhookError } from '#services/whatsapp/gateway_errors'
import {
  preAuthenticated,
  refuseDelivery,
  webhookInstances,
} from '#services/whatsapp/webhook_instances'
import { noteBusinessInLogs } from '#services/request_log'
import { inlinedFiles } from '#services/whatsapp/webhook_body'

/**
 * POST /webhooks/whatsapp: deliveries from the WhatsApp gateway.
 *
 * Malformed → 400; no secret, a wrong one, an unknown instance or a
 * secret that no longer decrypts → the same 401 (instance names cannot be
 * told apart), and 429 once an address or a name fails too often; all
 * with nothing stored. Otherwise the events are stored and the answer is
 * immediate: no gateway or model call happens here.
 */
export default class WhatsappWebhookController {
  @inject()
  async handle(ctx: HttpContext, gateway: WhatsAppGateway, ingest: IngestGatewayEvents) {
    const { request, response } = ctx
    let parsed
    try {
      parsed = await gateway.parseWebhook(request.body())
    } catch (error) {
      if (error instanceof InvalidWebhookError) {
        return response.badRequest({ message: error.message })
      }
      throw error
    }

    /**
     * Authenticated already by the instance its address names (which must
     * be the one the body is for), or now by the body's.
     */
    const named = preAuthenticated.get(request)
    const instance = named
      ? named.instanceName === parsed.instanceName
        ? named
        : 'refused'
      : await webhookInstances.authenticateDelivery(
          parsed.instanceName,
          request.header('authorization'),
          request.ip()
        )
    if (instance === 'refused' || instance === 'throttled') {
      return refuseDelivery(ctx, instance)
    }
    noteBusinessInLogs(instance.businessId, ctx)

    /**
     * Files the body reader decoded to disk stand in for their base64.
     */
    for (const event of parsed.events) {
      if ((event.kind !== 'message' && event.kind !== 'sent') || !('base64' in event.content)) {
        continue
      }
      const file = inlinedFiles.resolve(request, event.content.base64)
      if (file) event.content = { ...event.content, base64: null, file }
    }

    await ingest.handle(instance, parsed.events)
    return response.ok({ received: parsed.events.length })
  }
}

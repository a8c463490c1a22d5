import { inject } from '@adonisjs/core'
import Business from '#models/business'
import Message from '#models/message'
import SendWhatsappMessage from '#actions/whatsapp/send_whatsapp_message'
import { GatewayUnavailableError } from '#services/whatsapp/gateway_errors'

/**
 * The outbound queue's job for one conversation: its queued messages go out
 * once, oldest first, now that the gateway may be back. While it is still
 * down this throws, and the job is tried again later; on the last attempt
 * what is left is marked failed, for a person to retry. Sends whose claim
 * went stale are failed first (the job is also scheduled for that).
 */
@inject()
export default class DeliverQueuedMessages {
  constructor(private sender: SendWhatsappMessage) {}

  async handle(conversationId: string, options: { lastAttempt: boolean }) {
    await this.sender.failStaleClaims(conversationId)
    const queued = await Message.query() // tenancy: root (a conversation id from our own queue)
      .where('conversation_id', conversationId)
      .where('status', 'queued')
      .orderBy('sent_at')
      .orderBy('id')
    if (queued.length === 0) return

    const instance = await Business.reference(queued[0].businessId).whatsapp()
    if (!instance || !instance.isPaired()) {
      for (const message of queued) await this.sender.markFailed(message, 'not_connected')
      return
    }

    for (const [index, message] of queued.entries()) {
      try {
        await this.sender.deliver(instance, message, { fromQueue: true })
      } catch (error) {
        if (!(error instanceof GatewayUnavailableError) || !options.lastAttempt) throw error
        for (const left of queued.slice(index)) {
          await this.sender.markFailed(left, 'gateway_unavailable')
        }
        return
      }
    }
  }
}

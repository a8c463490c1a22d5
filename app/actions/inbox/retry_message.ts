import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import type Business from '#models/business'
import type Message from '#models/message'
import SendWhatsappMessage from '#actions/whatsapp/send_whatsapp_message'
import UserError from '#exceptions/user_error'

/**
 * "Reintentar" on a message that could not be sent: the same message goes
 * through the gateway again (with its photo, if it had one) and ends sent,
 * queued (the gateway is still down) or failed with the new reason.
 */
@inject()
export default class RetryMessage {
  constructor(private sender: SendWhatsappMessage) {}

  async handle({ business, message }: { business: Business; message: Message }) {
    /**
     * One whose file was a link (queued before files were stored) would go
     * out without it: the file has to be sent again.
     */
    if (
      message.direction !== 'outbound' ||
      message.status !== 'failed' ||
      message.error === 'media_link_retired'
    ) {
      throw new UserError('inbox.errors.not_retryable', { status: 409 })
    }
    const instance = await business.whatsapp()
    if (!instance || !instance.isPaired()) {
      throw new UserError('whatsapp.errors.not_connected', { status: 409 })
    }

    /**
     * Two clicks on "Reintentar" send once: only the request that moves the
     * message out of "failed" goes on.
     */
    const claimed = await db.rawQuery(
      `UPDATE messages SET status = 'pending', error = NULL, updated_at = now()
       WHERE id = ? AND status = 'failed' RETURNING id`,
      [message.id]
    )
    if (claimed.rows.length === 0) {
      throw new UserError('inbox.errors.not_retryable', { status: 409 })
    }
    message.status = 'pending'
    message.error = null

    return this.sender.deliver(instance, message)
  }
}

import { BaseTransformer } from '@adonisjs/core/transformers'
import type Message from '#models/message'

export default class MessageTransformer extends BaseTransformer<Message> {
  toObject() {
    return {
      ...this.pick(this.resource, [
        'id',
        'conversationId',
        'direction',
        'author',
        'type',
        'body',
        'mediaMime',
        'mediaName',
        'status',
        'error',
        'gatewayMessageId',
      ]),
      hasMedia: this.resource.mediaKey !== null,
      meta: this.resource.meta ?? null,
      sentAt: this.resource.sentAt.toISO()!,
    }
  }
}

import { BaseTransformer } from '@adonisjs/core/transformers'
import type Message from '#models/message'

/**
 * A message as the inbox shows it. A message deleted for everyone keeps
 * only who wrote it and when: its text, file, quote, history and
 * reactions are gone.
 */
export default class MessageTransformer extends BaseTransformer<Message> {
  toObject() {
    const message = this.resource
    return {
      ...this.pick(message, [
        'id',
        'conversationId',
        'direction',
        'author',
        'type',
        'body',
        'mediaMime',
        'mediaName',
        'mediaStatus',
        'status',
        'error',
        'gatewayMessageId',
      ]),
      hasMedia: message.mediaKey !== null,
      meta: message.meta ?? null,
      /**
       * What it replies to: the quoted message's gateway id (to find it in
       * the thread) and a short text of it.
       */
      quoted: message.quotedGatewayId
        ? { gatewayId: message.quotedGatewayId, text: message.quotedText }
        : null,
      editedAt: message.editedAt?.toISO() ?? null,
      edits: message.edits ?? [],
      deletedAt: message.deletedAt?.toISO() ?? null,
      reactions: message.reactions ?? [],
      /**
       * A voice note's words (pending while they are on their way).
       */
      transcript: message.deletedAt ? null : message.transcript,
      transcriptStatus: message.deletedAt ? null : message.transcriptStatus,
      sentAt: message.sentAt.toISO()!,
    }
  }
}

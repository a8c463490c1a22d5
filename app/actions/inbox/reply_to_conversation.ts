import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import type { MultipartFile } from '@adonisjs/core/bodyparser'
import type Business from '#models/business'
import type Conversation from '#models/conversation'
import type User from '#models/user'
import SendWhatsappMessage from '#actions/whatsapp/send_whatsapp_message'
import MediaStorage from '#services/media_storage'

export type ReplyToConversationParams = {
  business: Business
  conversation: Conversation
  user: User
  text: string
  /**
   * A photo from the composer, sent with `text` as its caption.
   */
  image?: MultipartFile
}

const CONTENT_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
}

/**
 * A person answers from the inbox: the message goes out through WhatsApp
 * (SendWhatsappMessage logs it with its photo, sends it or queues it while
 * the gateway is down, marks it failed with the reason when the gateway
 * refuses, and pauses the bot here: a human takeover). A resolved
 * conversation opens again.
 */
@inject()
export default class ReplyToConversation {
  constructor(
    private sender: SendWhatsappMessage,
    private storage: MediaStorage
  ) {}

  async handle({ business, conversation, user, text, image }: ReplyToConversationParams) {
    const mediaKey = image
      ? await this.storage.storeUpload(image, {
          businessId: business.id,
          folder: 'messages',
          field: 'image',
        })
      : null

    try {
      await this.#reopen(conversation)
      return await this.sender.handle({
        business,
        conversation,
        text,
        media: mediaKey ? this.#media(mediaKey, image!) : undefined,
        author: 'human',
        userId: user.id,
      })
    } catch (error) {
      /**
       * The reply was refused (not connected, say): the photo goes too.
       * Otherwise it stays with the message: the inbox shows it, and a
       * retry or the outbound queue sends it again.
       */
      await this.storage.delete(mediaKey)
      throw error
    }
  }

  /**
   * A person writing in a resolved conversation is working on it again,
   * unless the customer has opened another one since (one open
   * conversation per contact): then it stays resolved.
   */
  async #reopen(conversation: Conversation) {
    if (conversation.status !== 'resolved') {
      return
    }
    try {
      await db.transaction(async (trx) => {
        conversation.useTransaction(trx)
        conversation.status = 'open'
        await conversation.save()
      })
    } catch (error) {
      conversation.status = 'resolved'
      if ((error as { code?: string }).code !== '23505') {
        throw error
      }
    }
  }

  #media(key: string, image: MultipartFile) {
    const extension = key.split('.').pop() ?? 'jpg'
    return {
      kind: 'image' as const,
      key,
      mimetype: CONTENT_TYPES[extension] ?? 'image/jpeg',
      fileName: image.clientName || `foto.${extension}`,
    }
  }
}

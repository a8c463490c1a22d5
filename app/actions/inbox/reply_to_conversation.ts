import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import type { MultipartFile } from '@adonisjs/core/bodyparser'
import type Business from '#models/business'
import type Conversation from '#models/conversation'
import type Message from '#models/message'
import type User from '#models/user'
import SendWhatsappMessage from '#actions/whatsapp/send_whatsapp_message'
import MediaStorage from '#services/media_storage'
import { BusinessEvents } from '#services/business_events'
import { serialize } from '#services/serializer'
import MessageTransformer from '#transformers/message_transformer'
import { publicUrl } from '#services/public_url'

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
 * (SendWhatsappMessage logs it, sends it, marks it failed with the reason
 * when the gateway cannot, and pauses the bot here: a human takeover). A
 * resolved conversation opens again.
 */
@inject()
export default class ReplyToConversation {
  constructor(
    private sender: SendWhatsappMessage,
    private storage: MediaStorage,
    private events: BusinessEvents
  ) {}

  async handle({ business, conversation, user, text, image }: ReplyToConversationParams) {
    const mediaKey = image
      ? await this.storage.storeUpload(image, {
          businessId: business.id,
          folder: 'messages',
          field: 'image',
        })
      : null

    let message: Message
    try {
      await this.#reopen(conversation)
      message = await this.sender.handle({
        business,
        conversation,
        text,
        media: mediaKey ? await this.#media(mediaKey, image!) : undefined,
        author: 'human',
        userId: user.id,
      })
    } catch (error) {
      await this.storage.delete(mediaKey)
      throw error
    }

    /**
     * The stored photo stays with the message: the inbox shows it, and a
     * retry sends it again.
     */
    if (mediaKey) {
      message.mediaKey = mediaKey
      await message.save()
      this.events.broadcast(business.id, {
        type: 'message.updated',
        conversationId: message.conversationId,
        message: await serialize(MessageTransformer.transform(message)),
      })
    }
    return message
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

  async #media(key: string, image: MultipartFile) {
    const extension = key.split('.').pop() ?? 'jpg'
    return {
      kind: 'image' as const,
      url: publicUrl((await this.storage.urlFor(key))!),
      mimetype: CONTENT_TYPES[extension] ?? 'image/jpeg',
      fileName: image.clientName || `foto.${extension}`,
    }
  }
}

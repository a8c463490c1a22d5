import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import type Business from '#models/business'
import type Conversation from '#models/conversation'
import BusinessPolicy from '#policies/business_policy'
import InboxQueries from '#services/inbox_queries'
import MediaStorage from '#services/media_storage'
import { WhatsAppGateway } from '#services/whatsapp/whatsapp_gateway'
import { BotGate } from '#services/agent/bot_gate'
import MarkConversationRead from '#actions/inbox/mark_conversation_read'
import UpdateConversation from '#actions/inbox/update_conversation'
import ReplyToConversation from '#actions/inbox/reply_to_conversation'
import RetryMessage from '#actions/inbox/retry_message'
import FetchMessageMedia from '#actions/whatsapp/fetch_message_media'
import UpdateContact from '#actions/inbox/update_contact'
import ConversationTransformer from '#transformers/conversation_transformer'
import { botFacts } from '#transformers/business_transformer'
import ContactTransformer from '#transformers/contact_transformer'
import MessageTransformer from '#transformers/message_transformer'
import UserError from '#exceptions/user_error'
import type { BusinessBotStatus } from '#shared/bot_status'
import { serialize as toData } from '#services/serializer'
import {
  conversationIdValidator,
  conversationListValidator,
  inboxMessages,
  inboxReplyValidator,
  messageHistoryValidator,
  conversationMessageValidator,
  updateContactValidator,
  updateConversationValidator,
} from '#validators/inbox'

/**
 * The inbox page (session auth, the current business) and the JSON it
 * reads and writes as the person works: lists, history, replies, controls.
 * Every row is reached through the current business: another tenant's id
 * is a 404.
 */
@inject()
export default class InboxController {
  constructor(private gate: BotGate) {}

  /**
   * GET /inbox and GET /inbox/:id (a conversation open). The list, the
   * totals and the open conversation are lazy: choosing another
   * conversation reloads `selected` only.
   */
  @inject()
  async show(ctx: HttpContext, queries: InboxQueries, gateway: WhatsAppGateway) {
    const { inertia, business, bouncer, request, params, i18n } = ctx
    await bouncer.with(BusinessPolicy).authorize('view', business)
    /**
     * A hand-edited address with an unknown view or a too long search
     * opens the plain inbox.
     */
    const [invalid, valid] = await request.tryValidateUsing(
      conversationListValidator,
      inboxMessages(i18n)
    )
    const { filter, q } = invalid ? { filter: undefined, q: undefined } : valid
    const selectedId = params.id as string | undefined
    const instance = await business.whatsapp()
    const bot = await this.gate.businessStatus(business, { instance })

    return inertia.render('inbox/index', {
      business: {
        id: business.id,
        name: business.name,
        botEnabled: business.botEnabled,
        hasOpenaiKey: business.hasOpenaiKey,
        ...botFacts(business, bot, instance),
        takeoverMinutes: business.takeoverMinutes,
        canManage: await bouncer.with(BusinessPolicy).allows('manage', business),
      },
      whatsapp: {
        status: instance?.status ?? null,
        connected: instance?.isPaired() ?? false,
        driver: gateway.driver,
      },
      filters: { filter: filter ?? 'all', q: q ?? '' },
      /**
       * The moment the page is rendered at: "today", "yesterday" and the
       * end of a bot pause are worked out from it on the server and again
       * in the browser while it hydrates, so both agree; the browser's
       * clock takes over once the page is live.
       */
      now: Date.now(),
      conversations: async () => {
        const { rows, nextCursor } = await queries.conversations(business, { filter, q })
        return {
          data: await toData(ConversationTransformer.transform(rows, bot)),
          meta: { nextCursor },
        }
      },
      summary: () => queries.summary(business),
      selected: async () =>
        selectedId ? this.#selected(queries, business, bot, selectedId) : null,
    })
  }

  @inject()
  async conversations(
    { request, business, bouncer, i18n, serialize }: HttpContext,
    queries: InboxQueries
  ) {
    await bouncer.with(BusinessPolicy).authorize('view', business)
    const options = await request.validateUsing(conversationListValidator, inboxMessages(i18n))
    const { rows, nextCursor } = await queries.conversations(business, options)
    return serialize({
      data: ConversationTransformer.transform(rows, await this.gate.businessStatus(business)),
      meta: { nextCursor },
    })
  }

  @inject()
  async conversation(
    { request, business, bouncer, i18n, serialize }: HttpContext,
    queries: InboxQueries
  ) {
    await bouncer.with(BusinessPolicy).authorize('view', business)
    const { params } = await request.validateUsing(conversationIdValidator, inboxMessages(i18n))
    const conversation = await queries.conversation(business, params.id)
    return serialize(
      ConversationTransformer.transform(conversation, await this.gate.businessStatus(business))
    )
  }

  @inject()
  async messages(
    { request, business, bouncer, i18n, serialize }: HttpContext,
    queries: InboxQueries
  ) {
    await bouncer.with(BusinessPolicy).authorize('view', business)
    const { params, before } = await request.validateUsing(
      messageHistoryValidator,
      inboxMessages(i18n)
    )
    const conversation = await queries.conversation(business, params.id)
    const { rows, nextCursor } = await queries.messages(conversation, { before })
    return serialize({ data: MessageTransformer.transform(rows), meta: { nextCursor } })
  }

  @inject()
  async summary({ business, bouncer }: HttpContext, queries: InboxQueries) {
    await bouncer.with(BusinessPolicy).authorize('view', business)
    return queries.summary(business)
  }

  @inject()
  async read(
    { request, business, bouncer, i18n, serialize }: HttpContext,
    queries: InboxQueries,
    markRead: MarkConversationRead
  ) {
    await bouncer.with(BusinessPolicy).authorize('view', business)
    const { params } = await request.validateUsing(conversationIdValidator, inboxMessages(i18n))
    const conversation = await queries.conversation(business, params.id)
    await markRead.handle(conversation)
    return serialize(
      ConversationTransformer.transform(conversation, await this.gate.businessStatus(business))
    )
  }

  @inject()
  async update(
    { request, business, bouncer, i18n, serialize }: HttpContext,
    queries: InboxQueries,
    updateConversation: UpdateConversation
  ) {
    await bouncer.with(BusinessPolicy).authorize('view', business)
    const { params, ...changes } = await request.validateUsing(
      updateConversationValidator,
      inboxMessages(i18n)
    )
    const conversation = await queries.conversation(business, params.id)
    await updateConversation.handle({ conversation, ...changes })
    return serialize(
      ConversationTransformer.transform(conversation, await this.gate.businessStatus(business))
    )
  }

  @inject()
  async reply(
    { request, response, business, bouncer, auth, i18n, serialize }: HttpContext,
    queries: InboxQueries,
    replyToConversation: ReplyToConversation
  ) {
    await bouncer.with(BusinessPolicy).authorize('sendMessages', business)
    const { params, text, image } = await request.validateUsing(
      inboxReplyValidator,
      inboxMessages(i18n)
    )
    if (!text && !image) {
      throw new UserError('inbox.errors.empty_reply', { field: 'text' })
    }
    const conversation = await queries.conversation(business, params.id)
    const message = await replyToConversation.handle({
      business,
      conversation,
      user: auth.getUserOrFail(),
      text: text ?? '',
      image,
    })
    response.status(201)
    return serialize(MessageTransformer.transform(message))
  }

  @inject()
  async retry(ctx: HttpContext, queries: InboxQueries, retryMessage: RetryMessage) {
    const { business, serialize } = ctx
    const message = await this.#routeMessage(ctx, queries, { action: 'sendMessages' })
    await retryMessage.handle({ business, message })
    return serialize(MessageTransformer.transform(message))
  }

  /**
   * Asks the gateway again for a file shown as unavailable.
   */
  @inject()
  async retryMedia(ctx: HttpContext, queries: InboxQueries, fetchMedia: FetchMessageMedia) {
    const message = await this.#routeMessage(ctx, queries)
    if (!(await fetchMedia.retry(message))) {
      throw new UserError('inbox.errors.media_not_retryable', { status: 409 })
    }
    return ctx.serialize(MessageTransformer.transform(message))
  }

  /**
   * A message's photo, audio, video or document: a redirect to a signed,
   * short-lived URL of the stored file.
   */
  @inject()
  async media(ctx: HttpContext, queries: InboxQueries, storage: MediaStorage) {
    const { response } = ctx
    const message = await this.#routeMessage(ctx, queries, { withFile: true })
    response.header('cache-control', 'private, max-age=300')
    return response.redirect((await storage.urlFor(message.mediaKey))!)
  }

  @inject()
  async updateContact(
    { request, business, bouncer, i18n }: HttpContext,
    queries: InboxQueries,
    updateContact: UpdateContact
  ) {
    await bouncer.with(BusinessPolicy).authorize('view', business)
    const { params, ...changes } = await request.validateUsing(
      updateContactValidator,
      inboxMessages(i18n)
    )
    const contact = await business.findContactOrFail(params.id)
    await updateContact.handle({ contact, ...changes })
    return {
      ...new ContactTransformer(contact).withNotes(),
      conversationCount: await queries.conversationCount(contact),
    }
  }

  /**
   * The open conversation: the row, the contact panel and the latest page
   * of history. A foreign or missing id is the 404 page.
   */
  /**
   * The route's message (:id, :messageId), found through the business's
   * own conversation: another business's is a 404 (as is one without a
   * stored file, when `withFile`).
   */
  async #routeMessage(
    { request, business, bouncer, i18n }: HttpContext,
    queries: InboxQueries,
    options: { withFile?: boolean; action?: 'view' | 'sendMessages' } = {}
  ) {
    await bouncer.with(BusinessPolicy).authorize(options.action ?? 'view', business)
    const { params } = await request.validateUsing(
      conversationMessageValidator,
      inboxMessages(i18n)
    )
    const conversation = await queries.conversation(business, params.id)
    const query = conversation.related('messages').query().where('id', params.messageId)
    if (options.withFile) query.whereNotNull('media_key')
    return query.firstOrFail()
  }

  async #selected(queries: InboxQueries, business: Business, bot: BusinessBotStatus, id: string) {
    const conversation: Conversation = await queries.conversation(business, id)
    const [history, conversationCount] = await Promise.all([
      queries.messages(conversation),
      queries.conversationCount(conversation.contact),
    ])
    return {
      conversation: await toData(ConversationTransformer.transform(conversation, bot)),
      contact: {
        ...new ContactTransformer(conversation.contact).withNotes(),
        conversationCount,
      },
      messages: {
        data: await toData(MessageTransformer.transform(history.rows)),
        meta: { nextCursor: history.nextCursor },
      },
    }
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import BusinessPolicy from '#policies/business_policy'
import InboxQueries from '#services/inbox_queries'
import MarkConversationRead from '#actions/inbox/mark_conversation_read'
import UpdateConversation from '#actions/inbox/update_conversation'
import ReplyToConversation from '#actions/inbox/reply_to_conversation'
import ConversationTransformer from '#transformers/conversation_transformer'
import MessageTransformer from '#transformers/message_transformer'
import { BotGate } from '#services/agent/bot_gate'
import {
  apiConversationListValidator,
  conversationIdValidator,
  inboxMessages,
  messageHistoryValidator,
  replyValidator,
  updateConversationValidator,
} from '#validators/inbox'

/**
 * The inbox over the JSON API (Bearer), for integrations. Lists name their
 * business (`business_id`); a conversation is found through the user's own
 * memberships: another tenant's id is a 404.
 */
@inject()
export default class ConversationsController {
  constructor(private gate: BotGate) {}

  /**
   * GET /conversations: `{ data, meta: { nextCursor, summary } }`, newest
   * activity first; pass `cursor=<meta.nextCursor>` for the next page. The
   * unread totals come with the first page.
   */
  @inject()
  async index({ auth, request, bouncer, i18n, serialize }: HttpContext, queries: InboxQueries) {
    const {
      business_id: businessId,
      cursor,
      ...options
    } = await request.validateUsing(apiConversationListValidator, inboxMessages(i18n))
    const business = await auth.getUserOrFail().findBusinessOrFail(businessId)
    await bouncer.with(BusinessPolicy).authorize('view', business)

    const { rows, nextCursor } = await queries.conversations(business, { ...options, cursor })
    return serialize({
      data: ConversationTransformer.transform(rows, await this.gate.businessStatus(business)),
      meta: {
        nextCursor,
        ...(cursor ? {} : { summary: await queries.summary(business) }),
      },
    })
  }

  @inject()
  async show(ctx: HttpContext, queries: InboxQueries) {
    const { conversation, business } = await this.#find(ctx, queries)
    return ctx.serialize(
      ConversationTransformer.transform(conversation, await this.gate.businessStatus(business))
    )
  }

  /**
   * GET /conversations/:id/messages: the newest messages before `before`
   * (a cursor from meta.nextCursor), oldest first within the page.
   */
  @inject()
  async messages({ auth, request, bouncer, i18n, serialize }: HttpContext, queries: InboxQueries) {
    const { params, before } = await request.validateUsing(
      messageHistoryValidator,
      inboxMessages(i18n)
    )
    const { conversation, business } = await queries.conversationForUser(
      auth.getUserOrFail(),
      params.id
    )
    await bouncer.with(BusinessPolicy).authorize('view', business)
    const { rows, nextCursor } = await queries.messages(conversation, { before })
    return serialize({ data: MessageTransformer.transform(rows), meta: { nextCursor } })
  }

  /**
   * PUT /conversations/:id `{ botEnabled?, status? }`. botEnabled true hands
   * the conversation back to the bot (also ending a takeover pause and a
   * handoff).
   */
  @inject()
  async update(
    { auth, request, bouncer, i18n, serialize }: HttpContext,
    queries: InboxQueries,
    updateConversation: UpdateConversation
  ) {
    const { params, ...changes } = await request.validateUsing(
      updateConversationValidator,
      inboxMessages(i18n)
    )
    const { conversation, business } = await queries.conversationForUser(
      auth.getUserOrFail(),
      params.id
    )
    await bouncer.with(BusinessPolicy).authorize('view', business)
    await updateConversation.handle({ conversation, ...changes })
    return serialize(
      ConversationTransformer.transform(conversation, await this.gate.businessStatus(business))
    )
  }

  /**
   * POST /conversations/:id/messages `{ text }`: a person's reply, sent
   * through WhatsApp (201 with the message; status "failed" and the reason
   * in `error` when the gateway could not send it). A resolved conversation
   * opens again.
   */
  @inject()
  async reply(
    { auth, request, response, bouncer, i18n, serialize }: HttpContext,
    queries: InboxQueries,
    replyToConversation: ReplyToConversation
  ) {
    const { params, text } = await request.validateUsing(replyValidator, inboxMessages(i18n))
    const user = auth.getUserOrFail()
    const { conversation, business } = await queries.conversationForUser(user, params.id)
    await bouncer.with(BusinessPolicy).authorize('sendMessages', business)

    const message = await replyToConversation.handle({ business, conversation, user, text })
    response.status(201)
    return serialize(MessageTransformer.transform(message))
  }

  @inject()
  async read(ctx: HttpContext, queries: InboxQueries, markRead: MarkConversationRead) {
    const { conversation, business } = await this.#find(ctx, queries)
    await markRead.handle(conversation)
    return ctx.serialize(
      ConversationTransformer.transform(conversation, await this.gate.businessStatus(business))
    )
  }

  async #find({ auth, request, bouncer, i18n }: HttpContext, queries: InboxQueries) {
    const { params } = await request.validateUsing(conversationIdValidator, inboxMessages(i18n))
    const found = await queries.conversationForUser(auth.getUserOrFail(), params.id)
    await bouncer.with(BusinessPolicy).authorize('view', found.business)
    return found
  }
}

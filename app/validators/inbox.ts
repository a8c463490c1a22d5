import vine from '@vinejs/vine'
import type { FieldContext, MessagesProviderContact } from '@vinejs/vine/types'
import type { I18n } from '@adonisjs/i18n'
import { decodeCursor, type KeysetCursor } from '#services/keyset_cursor'
import { INBOX_FILTERS, INBOX_STATUSES } from '#services/inbox_queries'

/**
 * A pagination cursor we handed out (meta.nextCursor), decoded.
 */
const cursorRule = vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
  if (typeof value === 'string' && !decodeCursor(value)) {
    field.report('The {{ field }} is not a valid cursor', 'cursor', field)
  }
})
const cursor = () =>
  vine
    .string()
    .trim()
    .maxLength(200)
    .use(cursorRule())
    .transform((value) => decodeCursor(value) as KeysetCursor)

const routeId = () => vine.object({ id: vine.string().uuid() })

const listFields = {
  filter: vine.enum(INBOX_FILTERS).optional(),
  status: vine.enum(INBOX_STATUSES).optional(),
  q: vine.string().trim().maxLength(100).optional(),
  cursor: cursor().optional(),
  limit: vine.number().withoutDecimals().min(1).max(100).optional(),
}

/**
 * The inbox page's list (the business is the current one).
 */
export const conversationListValidator = vine.create(listFields)

/**
 * GET /conversations for API clients: the business is named.
 */
export const apiConversationListValidator = vine.create({
  business_id: vine.string().trim().uuid(),
  ...listFields,
})

export const conversationIdValidator = vine.create({ params: routeId() })

export const messageHistoryValidator = vine.create({
  params: routeId(),
  before: cursor().optional(),
})

export const updateConversationValidator = vine.create({
  params: routeId(),
  botEnabled: vine.boolean().optional(),
  status: vine.enum(['open', 'resolved'] as const).optional(),
})

const text = () => vine.string().trim().maxLength(4096)

/**
 * A person's reply from an API client: text only.
 */
export const replyValidator = vine.create({
  params: routeId(),
  text: text().minLength(1),
})

/**
 * A reply from the inbox page: text, an image with an optional caption, or
 * both. Whether anything was sent at all is checked by the controller.
 */
export const inboxReplyValidator = vine.create({
  params: routeId(),
  text: text().optional(),
  image: vine.file({ size: '5mb', extnames: ['jpg', 'jpeg', 'png', 'webp'] }).optional(),
})

/**
 * A message of a conversation (retry, media).
 */
export const conversationMessageValidator = vine.create({
  params: vine.object({ id: vine.string().uuid(), messageId: vine.string().uuid() }),
})

export const updateContactValidator = vine.create({
  params: routeId(),
  name: vine.string().trim().maxLength(200).nullable().optional(),
  notes: vine.string().trim().maxLength(5000).nullable().optional(),
})

/**
 * Validation messages of the inbox: its own texts (inbox.validator.* in
 * resources/lang) first, then the app's shared ones, so the inbox's field
 * names and rules are translated without touching the shared file.
 */
export class InboxMessagesProvider implements MessagesProviderContact {
  constructor(private i18n: I18n) {}

  getMessage(
    defaultMessage: string,
    rule: string,
    field: FieldContext,
    meta?: Record<string, any>
  ) {
    const data: Record<string, unknown> = { field: this.translateField(field.name) }
    for (const [key, value] of Object.entries(meta ?? {})) {
      data[key] = Array.isArray(value) ? value.join(', ') : value
    }
    const candidates = [
      `inbox.validator.messages.${field.wildCardPath}.${rule}`,
      `inbox.validator.messages.${rule}`,
      `validator.shared.messages.${field.wildCardPath}.${rule}`,
      `validator.shared.messages.${rule}`,
    ]
    for (const key of candidates) {
      const found = this.i18n.resolveIdentifier(key)
      if (found) {
        return this.i18n.formatRawMessage(found.message, data)
      }
    }
    return defaultMessage.replace(/\{\{\s*field\s*\}\}/g, String(data.field))
  }

  translateField(name: string | number) {
    for (const key of [`inbox.validator.fields.${name}`, `validator.shared.fields.${name}`]) {
      const found = this.i18n.resolveIdentifier(key)
      if (found) {
        return this.i18n.formatRawMessage(found.message)
      }
    }
    return name
  }
}

export function inboxMessages(i18n: I18n) {
  return { messagesProvider: new InboxMessagesProvider(i18n) }
}

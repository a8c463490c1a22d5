import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Contact from '#models/contact'
import Conversation from '#models/conversation'
import type { Chat } from '#services/whatsapp/whatsapp_gateway'
import { sqlBindings } from '#services/sql'

/**
 * The contact for a WhatsApp chat, created on first contact. A customer
 * first seen by their @lid JID and later by their phone (or the other way
 * round) stays one contact: the phone JID wins as the address to reply to.
 */
export async function findOrCreateContact(
  trx: TransactionClientContract,
  params: { businessId: string; chat: Chat; pushName: string | null }
) {
  const { businessId, chat, pushName } = params

  const existing = await Contact.query({ client: trx })
    .where('business_id', businessId)
    .where((query) => {
      query.where('wa_jid', chat.jid)
      if (chat.phone) query.orWhere('phone', chat.phone)
      if (chat.lid) query.orWhere('lid', chat.lid).orWhere('wa_jid', chat.lid)
    })
    .orderBy('created_at')
    .forUpdate()
    .first()

  if (existing) {
    let changed = false
    if (chat.phone && existing.waJid !== chat.jid && !existing.phone) {
      existing.waJid = chat.jid
      changed = true
    }
    if (chat.phone && !existing.phone) {
      existing.phone = chat.phone
      changed = true
    }
    if (chat.lid && !existing.lid) {
      existing.lid = chat.lid
      changed = true
    }
    if (pushName && existing.pushName !== pushName) {
      existing.pushName = pushName
      changed = true
    }
    if (changed) {
      existing.useTransaction(trx)
      await existing.save()
    }
    return existing
  }

  /**
   * Two deliveries for a new customer may race: the unique index keeps one
   * row, and the loser reads it.
   */
  const inserted = await trx.rawQuery(
    `INSERT INTO contacts (business_id, wa_jid, phone, lid, push_name, first_seen_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, now(), now(), now())
     ON CONFLICT (business_id, wa_jid) DO NOTHING
     RETURNING id`,
    sqlBindings([businessId, chat.jid, chat.phone, chat.lid, pushName])
  )
  const id = inserted.rows[0]?.id
  return id
    ? Contact.query({ client: trx }).where('id', id).firstOrFail()
    : Contact.query({ client: trx })
        .where('business_id', businessId)
        .where('wa_jid', chat.jid)
        .firstOrFail()
}

/**
 * The contact's open conversation, opened when there is none.
 */
export async function findOrCreateConversation(
  trx: TransactionClientContract,
  params: { businessId: string; chat: Chat; pushName: string | null }
) {
  const contact = await findOrCreateContact(trx, params)
  return openConversationFor(trx, params.businessId, contact.id)
}

/**
 * The contact's conversation to write to: the open one, else the latest one
 * reopened (the history stays in one place), else a new one.
 */
export async function openConversationFor(
  trx: TransactionClientContract,
  businessId: string,
  contactId: string
) {
  const latest = await Conversation.query({ client: trx })
    .where('business_id', businessId)
    .where('contact_id', contactId)
    .orderByRaw("(status = 'open') DESC")
    .orderBy('created_at', 'desc')
    .forUpdate()
    .first()

  if (latest) {
    if (latest.status !== 'open') {
      latest.useTransaction(trx)
      latest.status = 'open'
      await latest.save()
    }
    return latest
  }

  await trx.rawQuery(
    `INSERT INTO conversations (business_id, contact_id, status, created_at, updated_at)
     VALUES (?, ?, 'open', now(), now())
     ON CONFLICT (business_id, contact_id) WHERE status = 'open' DO NOTHING`,
    [businessId, contactId]
  )
  return Conversation.query({ client: trx })
    .where('business_id', businessId)
    .where('contact_id', contactId)
    .where('status', 'open')
    .forUpdate()
    .firstOrFail()
}

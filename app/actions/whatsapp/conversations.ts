import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Business from '#models/business'
import type { Chat } from '#services/whatsapp/whatsapp_gateway'
import { sqlBindings } from '#services/sql'
import { phoneJid } from '#services/whatsapp/jid'
import { equivalentDigits } from '#services/whatsapp/phone_numbers'

/**
 * The contact for a WhatsApp chat, created on first contact. A customer
 * first seen by their @lid JID and later by their phone (or the other way
 * round) stays one contact: the phone JID wins as the address to reply to.
 * So does a phone written another way (Mexico's 52/521, Argentina's 9,
 * Brazil's ninth digit): the form the gateway uses replaces a typed one.
 *
 * `typed`: the chat's phone is one a person typed (our reading of its JID
 * digits), not the gateway's: it finds the contact but never rewrites
 * their address.
 */
export async function findOrCreateContact(
  trx: TransactionClientContract,
  params: { businessId: string; chat: Chat; pushName: string | null; typed?: boolean }
) {
  const { businessId, chat, pushName } = params
  const phones = chat.phone ? equivalentDigits(chat.phone) : []
  const contacts = () => Business.reference(businessId, trx).related('contacts').query()

  const matches = await contacts()
    .where((query) => {
      query.where('wa_jid', chat.jid)
      if (phones.length > 0) query.orWhereIn('phone', phones)
      if (chat.lid) query.orWhere('lid', chat.lid).orWhere('wa_jid', chat.lid)
    })
    .orderBy('created_at')
    .forUpdate()
  const existing = matches[0]

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
    /**
     * Another form of the phone gave the contact its address: the
     * gateway's (unless another contact holds that JID already).
     */
    const otherForm =
      chat.phone &&
      !params.typed &&
      existing.phone &&
      existing.phone !== chat.phone &&
      phones.includes(existing.phone) &&
      existing.waJid === phoneJid(existing.phone)
    if (otherForm && !matches.some((other) => other.waJid === chat.jid)) {
      existing.waJid = chat.jid
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
    ? contacts().where('id', id).firstOrFail()
    : contacts().where('wa_jid', chat.jid).firstOrFail()
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
 * The open conversation with a phone a person typed (JID digits from
 * toWhatsappDigits()): the contact's, whatever form their phone is stored
 * in, or a new contact's at that address.
 */
export async function findOrCreateConversationWithPhone(
  trx: TransactionClientContract,
  params: { businessId: string; phone: string }
) {
  const contact = await findOrCreateContact(trx, {
    businessId: params.businessId,
    chat: { jid: phoneJid(params.phone), phone: params.phone, lid: null },
    pushName: null,
    typed: true,
  })
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
  const conversations = () => Business.reference(businessId, trx).related('conversations').query()
  const latest = await conversations()
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
  return conversations()
    .where('contact_id', contactId)
    .where('status', 'open')
    .forUpdate()
    .firstOrFail()
}

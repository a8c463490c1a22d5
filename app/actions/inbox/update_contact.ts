import { inject } from '@adonisjs/core'
import type Contact from '#models/contact'
import { BusinessEvents } from '#services/business_events'
import ContactTransformer from '#transformers/contact_transformer'

export type UpdateContactParams = {
  contact: Contact
  /**
   * The name the business knows the customer by; empty or null falls back
   * to their WhatsApp name.
   */
  name?: string | null
  notes?: string | null
}

/**
 * The contact panel's edits: the customer's name and the business's notes.
 */
@inject()
export default class UpdateContact {
  constructor(private events: BusinessEvents) {}

  async handle({ contact, name, notes }: UpdateContactParams) {
    if (name !== undefined) {
      contact.name = name || null
    }
    if (notes !== undefined) {
      contact.notes = notes || null
    }
    await contact.save()

    this.events.broadcast(contact.businessId, {
      type: 'contact.updated',
      contact: new ContactTransformer(contact).withNotes(),
    })
    return contact
  }
}

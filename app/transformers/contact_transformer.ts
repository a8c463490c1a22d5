import { BaseTransformer } from '@adonisjs/core/transformers'
import type Contact from '#models/contact'

/**
 * A customer as the inbox shows them. `name` is the one the business gave
 * (editable), `pushName` their WhatsApp profile name, `displayName` the
 * first of name, WhatsApp name and phone that is known.
 */
export default class ContactTransformer extends BaseTransformer<Contact> {
  toObject() {
    return {
      ...this.pick(this.resource, ['id', 'name', 'pushName', 'phone', 'displayName']),
      firstSeenAt: this.resource.firstSeenAt.toISO()!,
    }
  }

  /**
   * The contact panel: with the business's notes about the customer.
   */
  withNotes() {
    return { ...this.toObject(), notes: this.resource.notes }
  }
}

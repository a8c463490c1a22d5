import transmit from '@adonisjs/transmit/services/main'

/**
 * What the web app hears live about a business. Every event goes to the
 * business's own channel, which only its members may subscribe to
 * (start/transmit.ts).
 */
export type BusinessEvent =
  | { type: 'message.created'; conversationId: string; message: Record<string, unknown> }
  | { type: 'message.updated'; conversationId: string; message: Record<string, unknown> }
  | { type: 'conversation.updated'; conversation: Record<string, unknown> }
  | { type: 'whatsapp.updated'; instance: Record<string, unknown> }
  | { type: 'contact.updated'; contact: Record<string, unknown> }
  | { type: 'business.updated'; business: Record<string, unknown> }

export function businessChannel(businessId: string) {
  return `businesses/${businessId}`
}

export class BusinessEvents {
  broadcast(businessId: string, event: BusinessEvent) {
    transmit.broadcast(businessChannel(businessId), JSON.parse(JSON.stringify(event)))
  }
}

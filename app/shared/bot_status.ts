/**
 * "May the bot speak?" — the rule, written once. The server's gate
 * (#services/agent/bot_gate) feeds it the facts it reads from the
 * database at every send point; pages import this same file to show the
 * bot's state and keep it current (a pause ends on screen when its time
 * comes, the business switch shows at once). Nothing here reads or writes
 * anything: it only decides.
 */

/**
 * Why a business's bot cannot answer anyone, the first reason winning:
 * its switch is off, there is no OpenAI key, the provider rejected the
 * key, the monthly budget is reached, WhatsApp is not connected.
 */
export type BusinessBotReason =
  'bot_disabled' | 'no_api_key' | 'api_key_rejected' | 'budget_reached' | 'not_connected'

export type BusinessBotStatus =
  { state: 'on'; reason: null } | { state: 'off'; reason: BusinessBotReason }

export type BusinessBotFacts = {
  botEnabled: boolean
  hasOpenaiKey: boolean
  /**
   * Set by the agent when the provider rejects the key or the budget is
   * reached; cleared when the owner fixes it.
   */
  botBlockedReason: string | null
  whatsappConnected: boolean
}

export function businessBotStatus(facts: BusinessBotFacts): BusinessBotStatus {
  if (!facts.botEnabled) return { state: 'off', reason: 'bot_disabled' }
  if (!facts.hasOpenaiKey) return { state: 'off', reason: 'no_api_key' }
  if (facts.botBlockedReason === 'api_key_rejected') {
    return { state: 'off', reason: 'api_key_rejected' }
  }
  if (facts.botBlockedReason === 'budget_reached') return { state: 'off', reason: 'budget_reached' }
  if (!facts.whatsappConnected) return { state: 'off', reason: 'not_connected' }
  return { state: 'on', reason: null }
}

/**
 * Where the owner fixes each reason (the one action a page offers): the
 * business switch (`PUT /settings/bot`, on the AI settings page), the key
 * form, the budget (with the bot's behaviour, on the AI settings page), the
 * WhatsApp connection.
 */
export const BOT_FIX_HREF: Record<BusinessBotReason, string> = {
  bot_disabled: '/settings/ai',
  no_api_key: '/settings/ai',
  api_key_rejected: '/settings/ai',
  budget_reached: '/settings/ai#bot-behaviour',
  not_connected: '/whatsapp',
}

/**
 * What the bot does in one conversation, the first reason winning: off for
 * the whole business (and why), waiting for a person (handoff), switched
 * off here, paused after a person wrote (until a time), or on.
 */
export type ConversationBotStateName =
  'on' | 'paused_until' | 'paused' | 'needs_human' | 'off_business'

export type ConversationBotState = {
  state: ConversationBotStateName
  /**
   * When a person's pause ends (ISO), for `paused_until`.
   */
  until: string | null
  /**
   * Why the business's bot is off, for `off_business`.
   */
  reason: BusinessBotReason | null
}

export type ConversationBotFacts = {
  needsHuman: boolean
  botEnabled: boolean
  /**
   * ISO time, or null.
   */
  botPausedUntil: string | null
}

export function conversationBotState(
  conversation: ConversationBotFacts,
  business: BusinessBotStatus,
  nowMs: number
): ConversationBotState {
  if (business.state === 'off')
    return { state: 'off_business', until: null, reason: business.reason }
  if (conversation.needsHuman) return { state: 'needs_human', until: null, reason: null }
  if (!conversation.botEnabled) return { state: 'paused', until: null, reason: null }
  if (conversation.botPausedUntil && Date.parse(conversation.botPausedUntil) > nowMs) {
    return { state: 'paused_until', until: conversation.botPausedUntil, reason: null }
  }
  return { state: 'on', until: null, reason: null }
}

/**
 * Why the bot must not speak in a conversation now, or null when it may:
 * the business's status, the conversation's state, and whether a person
 * wrote there since the turn started (a reply the model was still writing
 * must not go out over them).
 */
export type GateReason =
  BusinessBotReason | 'needs_human' | 'conversation_paused' | 'human_takeover' | 'human_took_over'

export function gateReason(
  business: BusinessBotStatus,
  conversation: ConversationBotFacts,
  options: { nowMs: number; personWroteSinceStart: boolean; handedOffThisTurn: boolean }
): GateReason | null {
  if (business.state === 'off') return business.reason
  if (options.personWroteSinceStart) return 'human_took_over'
  /**
   * The turn's own handoff asks for a person and still says so to the
   * customer ("a person will continue"): that reply may go out.
   */
  const state = conversationBotState(
    { ...conversation, needsHuman: conversation.needsHuman && !options.handedOffThisTurn },
    business,
    options.nowMs
  ).state
  if (state === 'needs_human') return 'needs_human'
  if (state === 'paused') return 'conversation_paused'
  if (state === 'paused_until') return 'human_takeover'
  return null
}

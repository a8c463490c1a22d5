import { AgentRunSchema } from '#database/schema'
import { belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Business from '#models/business'
import Conversation from '#models/conversation'
import type { ToolCallRecord } from '#services/agent/agent_tools'

export type RunSource = 'whatsapp' | 'api' | 'playground'
export type RunOutcome = 'running' | 'replying' | 'replied' | 'skipped' | 'discarded' | 'failed'

export type HeldBackItem =
  { type: 'text'; body: string } | { type: 'image'; productId: string; caption: string | null }

/**
 * One turn of the agent, with what it cost and what came of it.
 */
export default class AgentRun extends AgentRunSchema {
  declare source: RunSource
  declare outcome: RunOutcome
  /**
   * jsonb arrays: serialized here (the pg driver would send a PostgreSQL
   * array literal).
   */
  @column({ prepare: (value: unknown) => JSON.stringify(value ?? []) })
  declare toolCalls: ToolCallRecord[]

  @column({ prepare: (value: unknown) => JSON.stringify(value ?? []) })
  declare triggerMessageIds: string[]

  /**
   * What the gate stopped before it went out, in order.
   */
  @column({ prepare: (value: unknown) => JSON.stringify(value ?? []) })
  declare heldBack: HeldBackItem[]

  @belongsTo(() => Business)
  declare business: BelongsTo<typeof Business>

  @belongsTo(() => Conversation)
  declare conversation: BelongsTo<typeof Conversation>
}

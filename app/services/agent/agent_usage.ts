import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type Business from '#models/business'

/**
 * What the agent has spent for a business (estimated from the price table).
 */
export class AgentUsage {
  /**
   * Spent this calendar month, in the business's time zone, as a decimal
   * string with six places.
   */
  async spentThisMonth(business: Business, now = DateTime.now()): Promise<string> {
    const monthStart = now.setZone(business.timezone).startOf('month').toJSDate()
    /**
     * The agent's turns and the voice notes it transcribed.
     */
    const { rows } = await db.rawQuery<{ rows: { spent: string | null }[] }>(
      `SELECT (
         coalesce((SELECT sum(cost_usd) FROM agent_runs
                   WHERE business_id = ? AND created_at >= ?), 0)
       + coalesce((SELECT sum(transcript_cost_usd) FROM messages
                   WHERE business_id = ? AND created_at >= ? AND transcript_cost_usd IS NOT NULL), 0)
       )::numeric(14, 6)::text AS spent`,
      [business.id, monthStart, business.id, monthStart]
    )
    return rows[0]?.spent ?? '0'
  }

  async budgetReached(business: Business, now = DateTime.now()) {
    if (business.monthlyBudgetUsd === null || business.monthlyBudgetUsd === undefined) {
      return false
    }
    const spent = await this.spentThisMonth(business, now)
    return compareDecimals(spent, business.monthlyBudgetUsd) >= 0
  }
}

/**
 * Compares two non-negative decimal strings exactly.
 */
export function compareDecimals(a: string, b: string) {
  const [ai, af = ''] = String(a).split('.')
  const [bi, bf = ''] = String(b).split('.')
  const width = Math.max(af.length, bf.length)
  const left = BigInt(ai + af.padEnd(width, '0'))
  const right = BigInt(bi + bf.padEnd(width, '0'))
  return left === right ? 0 : left > right ? 1 : -1
}

import { isUuid } from '#models/user'

/**
 * A position in a list ordered by (timestamp, id), newest first: the
 * timestamp with PostgreSQL's full precision (microseconds, which a JS
 * Date would lose) and the row's id as the tie-breaker. Clients get it as
 * an opaque string and hand it back unchanged.
 */
export type KeysetCursor = { at: string; id: string }

const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/

/**
 * The SQL that reads a timestamptz column as a cursor timestamp.
 */
export function cursorTimestampSql(column: string) {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
}

export function encodeCursor(cursor: KeysetCursor) {
  return Buffer.from(`${cursor.at}|${cursor.id}`, 'utf8').toString('base64url')
}

/**
 * The cursor in an opaque string, or null when it is not one we made.
 */
export function decodeCursor(value: string): KeysetCursor | null {
  if (!/^[\w-]{1,200}$/.test(value)) {
    return null
  }
  const [at, id, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split('|')
  if (rest.length > 0 || !at || !id || !TIMESTAMP_PATTERN.test(at) || !isUuid(id)) {
    return null
  }
  /**
   * A real instant: month 13 or February 30 would reach PostgreSQL as an
   * error.
   */
  const parsed = new Date(at)
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 23) !== at.slice(0, 23)) {
    return null
  }
  return { at, id: id.toLowerCase() }
}

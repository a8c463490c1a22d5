import { createHash } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { StrictValues } from '@adonisjs/lucid/types/querybuilder'
import { embeddedDatabase } from '#config/database'

type Binding = string | number | boolean | Date | string[] | null | undefined

/**
 * Bindings for raw queries that may carry NULL: PostgreSQL takes it, but
 * Lucid's binding type leaves it out.
 */
export function sqlBindings(values: Binding[]): StrictValues[] {
  return values.map((value) => value ?? null) as unknown as StrictValues[]
}

/**
 * Runs one statement of a hot path as a named prepared statement ($1, $2…
 * placeholders): each pooled connection parses and plans it once, instead
 * of on every request (planning a statement of several joins costs more
 * than running it). Outside a transaction only.
 *
 * The embedded database serves every connection from one session, where a
 * name could outlive the connection that prepared it: there the statement
 * goes unnamed.
 */
export async function preparedQuery<Row = Record<string, any>>(
  sql: string,
  values: Binding[]
): Promise<Row[]> {
  const connection = db.connection()
  if (connection.isTransaction) {
    /**
     * Every query runs in one global transaction (some tests): through it,
     * as Lucid's own, with knex's ? placeholders.
     */
    const knexStatement = questionMarks(sql, values)
    const result = await connection.rawQuery(knexStatement.text, knexStatement.values)
    return result.rows
  }
  const knex = connection.getWriteClient()
  const client = await knex.client.acquireConnection()
  try {
    const result = await client.query({
      name: embeddedDatabase ? undefined : statementName(sql),
      text: sql,
      values: values.map((value) => value ?? null),
    })
    return result.rows
  } finally {
    await knex.client.releaseConnection(client)
  }
}

/**
 * A statement written with :name placeholders, as PostgreSQL takes it:
 * $1, $2… and the values in their order (a name used twice is one value).
 * Each statement's text is converted once.
 */
export function positional(sql: string, named: Record<string, Binding>) {
  let statement = converted.get(sql)
  if (!statement) {
    const order: string[] = []
    const text = sql.replace(/(?<![:\w]):([a-zA-Z]\w*)/g, (_, name: string) => {
      let index = order.indexOf(name)
      if (index === -1) index = order.push(name) - 1
      return `$${index + 1}`
    })
    statement = { text, order }
    converted.set(sql, statement)
  }
  const values = statement.order.map((name) => {
    if (!(name in named)) throw new Error(`No value for :${name}`)
    return named[name]
  })
  return { text: statement.text, values }
}

/**
 * A $1, $2… statement with knex's ? placeholders instead (a value used
 * twice is bound twice), for queries through Lucid, in a transaction.
 */
export function questionMarks(sql: string, values: Binding[]) {
  const ordered: Binding[] = []
  const text = sql.replace(/\$(\d+)/g, (_, index: string) => {
    ordered.push(values[Number(index) - 1])
    return '?'
  })
  return { text, values: sqlBindings(ordered) }
}

/**
 * A statement written with :name placeholders, for Lucid's rawQuery.
 */
export function namedForKnex(sql: string, named: Record<string, Binding>) {
  const statement = positional(sql, named)
  return questionMarks(statement.text, statement.values)
}

const converted = new Map<string, { text: string; order: string[] }>()

const names = new Map<string, string>()

function statementName(sql: string) {
  let name = names.get(sql)
  if (!name) {
    name = `atiende_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`
    names.set(sql, name)
  }
  return name
}

import { test } from '@japa/runner'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import app from '@adonisjs/core/services/app'

/**
 * Request handlers reach tenant data only through the business they were
 * given (its relations and finders) or through the person's memberships
 * (the `ofMember(user)` scope, for a row named by its id alone): a
 * hand-written business_id filter or a tenant model queried on its own is
 * how one tenant's ids reach another's rows.
 */
const TENANT_MODELS = [
  'Product',
  'Policy',
  'Faq',
  'AgentPrompt',
  'WhatsappInstance',
  'Contact',
  'Conversation',
  'Message',
  'AgentRun',
]
const TENANT_TABLES = [
  'products',
  'policies',
  'faqs',
  'agent_prompts',
  'whatsapp_instances',
  'contacts',
  'conversations',
  'messages',
  'agent_runs',
  'message_amendments',
]
const FORBIDDEN = [
  /['"`](?:\w+\.)?business_id['"`]\s*,/,
  new RegExp(
    `\\b(?:${TENANT_MODELS.join('|')})\\.(?:query|find|findOrFail|findBy|findByOrFail|all)\\(`
  ),
  new RegExp(`db\\s*\\.\\s*from\\(\\s*['"\`](?:${TENANT_TABLES.join('|')})['"\`]`),
]

function files(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? files(join(folder, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(folder, entry.name)]
        : []
  )
}

/**
 * Outside request handlers, a query may also start from a tenant table on
 * its own where nothing else can: a job given a row id by our own queue,
 * an operator's command over every business, a delivery naming its
 * instance. Each such root says so on its line, with why, and they stay
 * few: any other query goes through a business (`Business.reference(id)`
 * when only its id is known) or a row reached that way.
 */
const ROOT = /\/\/ tenancy: root \([^)]+\)/
const MOST_ROOTS = 15
const OUTSIDE_CONTROLLERS = [
  'app/actions',
  'app/services',
  'app/transformers',
  'app/listeners',
  'app/validators',
  'commands',
]

/**
 * A tenant table named in a query builder's `from` (db's, a transaction's,
 * a subquery's, or a chained `.from` on its own line).
 */
const FROM_TENANT_TABLE = new RegExp(`\\.from\\(\\s*['"\`](?:${TENANT_TABLES.join('|')})['"\`]`)

test.group('Tenancy by construction', () => {
  test('controllers query tenant tables only through the business', ({ assert }) => {
    const offending: string[] = []
    for (const file of files(app.makePath('app/controllers'))) {
      const lines = readFileSync(file, 'utf8').split('\n')
      lines.forEach((line, index) => {
        const throughMembership = /scopes\.ofMember\(/.test(lines[index + 1] ?? '')
        if (!throughMembership && FORBIDDEN.some((pattern) => pattern.test(line))) {
          offending.push(`${relative(app.makePath(), file)}:${index + 1}: ${line.trim()}`)
        }
      })
    }
    assert.deepEqual(offending, [])
  })

  test('actions, services and commands reach tenant tables through the business or a marked root', ({
    assert,
  }) => {
    const offending: string[] = []
    const roots: string[] = []
    for (const folder of OUTSIDE_CONTROLLERS) {
      for (const file of files(app.makePath(folder))) {
        const lines = readFileSync(file, 'utf8').split('\n')
        lines.forEach((line, index) => {
          const where = `${relative(app.makePath(), file)}:${index + 1}: ${line.trim()}`
          if (ROOT.test(line)) {
            roots.push(where)
            return
          }
          const throughMembership = /scopes\.ofMember\(/.test(lines[index + 1] ?? '')
          const forbidden = [...FORBIDDEN, FROM_TENANT_TABLE]
          if (!throughMembership && forbidden.some((pattern) => pattern.test(line))) {
            offending.push(where)
          }
        })
      }
    }
    assert.deepEqual(offending, [])
    assert.isAtMost(
      roots.length,
      MOST_ROOTS,
      `roots are for what cannot start from a business:\n${roots.join('\n')}`
    )
  })
})

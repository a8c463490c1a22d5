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
const FORBIDDEN = [
  /['"`](?:\w+\.)?business_id['"`]\s*,/,
  new RegExp(
    `\\b(?:${TENANT_MODELS.join('|')})\\.(?:query|find|findOrFail|findBy|findByOrFail|all)\\(`
  ),
  /db\s*\.\s*from\(\s*['"`](?:products|policies|faqs|agent_prompts|whatsapp_instances|contacts|conversations|messages|agent_runs)['"`]/,
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
})

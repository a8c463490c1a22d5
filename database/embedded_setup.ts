import type { ApplicationService } from '@adonisjs/core/types'
import logger from '@adonisjs/core/services/logger'

export const DEMO_ACCOUNT = {
  email: 'demo@atiende.app',
  password: 'atiende-demo',
  name: 'Demo',
}

/**
 * The embedded database is for trying Atiende on one machine: keep its
 * schema current and, when it is empty, add a demo account with a demo
 * shop (database/demo_shop.ts) to sign in with.
 */
export async function prepareEmbeddedDatabase(app: ApplicationService, dataDir: string) {
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { MigrationRunner } = await import('@adonisjs/lucid/migration')

  const runner = new MigrationRunner(db, app, { direction: 'up', dryRun: false })
  await runner.run()
  if (runner.error) {
    throw runner.error
  }

  const { default: User } = await import('#models/user')
  const { createDemoShop } = await import('#database/demo_shop')

  const anyUser = await User.query().first()
  if (!anyUser) {
    const user = await User.create({
      fullName: DEMO_ACCOUNT.name,
      email: DEMO_ACCOUNT.email,
      password: DEMO_ACCOUNT.password,
      locale: 'es',
    })
    await createDemoShop(user)
  }

  const demo = await User.findBy('email', DEMO_ACCOUNT.email)
  demoSignIn = demo && (await demo.verifyPassword(DEMO_ACCOUNT.password)) ? DEMO_ACCOUNT : null
  logger.warn(
    `Embedded PostgreSQL (data in ${dataDir}): for trying Atiende on one machine, not for production. Set DATABASE_URL to use a PostgreSQL server.`
  )
  if (demoSignIn) announceDemo(demoSignIn)
}

let demoSignIn: typeof DEMO_ACCOUNT | null = null

/**
 * The demo account's e-mail and password while it still has them, for
 * the login page to offer (only with the embedded database).
 */
export function demoAccount() {
  return demoSignIn ? { email: demoSignIn.email, password: demoSignIn.password } : null
}

/**
 * The line a newcomer looks for in the console: framed, so it is not lost
 * among the dev server's.
 */
function announceDemo(account: typeof DEMO_ACCOUNT) {
  const url = process.env.APP_URL ?? `http://localhost:${process.env.PORT ?? 3333}`
  const lines = [
    `Atiende is running: open ${url}`,
    `Demo shop "Boutique Lupita": ${account.email} / ${account.password}`,
  ]
  const width = Math.max(...lines.map((line) => line.length))
  const color = process.stdout.isTTY ? (text: string) => `\u001b[1;32m${text}\u001b[0m` : String
  console.log(
    color(
      [
        `┌${'─'.repeat(width + 2)}┐`,
        ...lines.map((line) => `│ ${line.padEnd(width)} │`),
        `└${'─'.repeat(width + 2)}┘`,
      ].join('\n')
    )
  )
}

import type { ApplicationService } from '@adonisjs/core/types'
import logger from '@adonisjs/core/services/logger'

export const DEMO_ACCOUNT = {
  email: 'demo@atiende.app',
  password: 'atiende-demo',
  name: 'Demo',
}

/**
 * The embedded database is for trying Atiende on one machine: keep its
 * schema current and, when it is empty, add a demo account to sign in with.
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
  const { default: CreateBusiness } = await import('#actions/businesses/create_business')

  const anyUser = await User.query().first()
  if (!anyUser) {
    const user = await User.create({
      fullName: DEMO_ACCOUNT.name,
      email: DEMO_ACCOUNT.email,
      password: DEMO_ACCOUNT.password,
      locale: 'es',
    })
    await new CreateBusiness().handle({
      owner: user,
      name: 'Tienda Demo',
      industry: 'Ropa y accesorios',
      description: 'Tienda de ejemplo para probar Atiende.',
    })
  }

  const demo = await User.findBy('email', DEMO_ACCOUNT.email)
  logger.warn(
    [
      `Embedded PostgreSQL (data in ${dataDir}): for trying Atiende on one machine, not for production.`,
      'Set DATABASE_URL to use a PostgreSQL server.',
      demo && (await demo.verifyPassword(DEMO_ACCOUNT.password))
        ? `Demo account: ${DEMO_ACCOUNT.email} / ${DEMO_ACCOUNT.password}`
        : '',
    ]
      .filter(Boolean)
      .join(' ')
  )
}

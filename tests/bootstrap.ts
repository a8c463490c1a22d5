import { assert } from '@japa/assert'
import { apiClient } from '@japa/api-client'
import app from '@adonisjs/core/services/app'
import type { Config } from '@japa/runner/types'
import { pluginAdonisJS } from '@japa/plugin-adonisjs'
import testUtils from '@adonisjs/core/services/test_utils'
import { sessionApiClient } from '@adonisjs/session/plugins/api_client'
import { sessionBrowserClient } from '@adonisjs/session/plugins/browser_client'
import { authBrowserClient } from '@adonisjs/auth/plugins/browser_client'
import { authApiClient } from '@adonisjs/auth/plugins/api_client'
import { shieldApiClient } from '@adonisjs/shield/plugins/api_client'
import { chromium } from 'playwright'
import { browserClient, decoratorsCollection } from '@japa/browser-client'
import { waitForHydration } from '#tests/helpers/hydration'
import env from '#start/env'

/**
 * Browser tests act on a server-rendered page once it is live.
 */
decoratorsCollection.register(waitForHydration)

export const plugins: Config['plugins'] = [
  assert(),
  apiClient(),
  pluginAdonisJS(app),
  sessionApiClient(app),
  shieldApiClient(),
  authApiClient(app),
  sessionBrowserClient(app),
  authBrowserClient(app),
  browserClient({
    runInSuites: ['browser'],
    contextOptions: { locale: 'es-MX' },
    /**
     * Debian's Chromium, never a browser downloaded by a tool.
     */
    launcher: (options) =>
      chromium.launch({
        ...options,
        headless: true,
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      }),
  }),
]

/**
 * Refuses to run against a database whose name does not say "test":
 * the suite truncates tables.
 */
function guardTestDatabase() {
  const url = env.get('DATABASE_URL')
  if (!url) {
    return
  }
  const name = new URL(url).pathname.slice(1)
  if (!/test/i.test(name)) {
    throw new Error(
      `Refusing to run tests on database "${name}": point DATABASE_URL at a database whose name contains "test".`
    )
  }
}

export const runnerHooks: Required<Pick<Config, 'setup' | 'teardown'>> = {
  setup: [
    guardTestDatabase,
    async () => {
      const { default: db } = await import('@adonisjs/lucid/services/db')
      const { MigrationRunner } = await import('@adonisjs/lucid/migration')
      const runner = new MigrationRunner(db, app, { direction: 'up', dryRun: false })
      await runner.run()
      if (runner.error) {
        throw runner.error
      }
    },
  ],
  teardown: [],
}

export const configureSuite: Config['configureSuite'] = (suite) => {
  if (['browser', 'functional', 'e2e'].includes(suite.name)) {
    return suite.setup(() => testUtils.httpServer().start())
  }
}

import { configApp } from '@adonisjs/eslint-config'
import { vue } from '@adonisjs/eslint-config/vue'

export default configApp(
  ...vue,
  {
    name: 'Atiende ignores',
    ignores: ['.adonisjs/**', 'database/schema.ts', 'public/assets/**', 'tmp/**', 'storage/**'],
  },
  {
    name: 'Atiende pages',
    files: ['inertia/**/*.{ts,vue}'],
    rules: {
      /**
       * Pages link by path with Inertia's own <Link>; we do not ship the
       * Tuyau route registry to the browser.
       */
      '@adonisjs/prefer-adonisjs-inertia-link': 'off',
    },
  }
)

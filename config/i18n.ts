import app from '@adonisjs/core/services/app'
import { defineConfig, formatters, loaders } from '@adonisjs/i18n'

/**
 * Spanish (neutral Latin-American) first, English available everywhere.
 * The same JSON files under resources/lang feed the server (flash messages,
 * validation errors, API errors) and the Vue pages.
 */
const i18nConfig = defineConfig({
  defaultLocale: 'es',
  supportedLocales: ['es', 'en'],
  fallbackLocales: { en: 'es' },
  formatter: formatters.icu(),
  loaders: [
    loaders.fs({
      location: app.languageFilesPath(),
    }),
  ],
})

export default i18nConfig

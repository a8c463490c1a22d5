import { computed } from 'vue'
import { usePage } from '@inertiajs/vue3'
import { IntlMessageFormat } from 'intl-messageformat'
import type { Locale, SharedProps } from '~/types'

/**
 * The interface texts: the same resources/lang/<locale>/*.json files the
 * server translates with, keyed the same way (each file under its name:
 * "catalog.title" is "title" in catalog.json), formatted as ICU messages.
 */
const files = import.meta.glob<{ default: Record<string, unknown> }>('@lang/*/*.json', {
  eager: true,
})

function flatten(node: unknown, prefix: string, into: Map<string, string>) {
  if (typeof node === 'string') {
    into.set(prefix, node)
    return
  }
  if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      flatten(value, prefix ? `${prefix}.${key}` : key, into)
    }
  }
}

const catalogs: Record<Locale, Map<string, string>> = { es: new Map(), en: new Map() }
for (const [path, module] of Object.entries(files)) {
  const match = path.match(/\/(es|en)\/([\w-]+)\.json$/)
  if (!match) continue
  const [, locale, file] = match
  flatten(module.default, file, catalogs[locale as Locale])
}

const formats = new Map<string, IntlMessageFormat>()

export function translate(locale: Locale, key: string, data?: Record<string, unknown>) {
  const message = catalogs[locale].get(key) ?? catalogs.es.get(key)
  if (message === undefined) {
    return key
  }
  if (!data) {
    return message
  }
  const cacheKey = `${locale}:${key}`
  let format = formats.get(cacheKey)
  if (!format) {
    format = new IntlMessageFormat(message, locale)
    formats.set(cacheKey, format)
  }
  return String(format.format(data as Record<string, string>))
}

export function useI18n() {
  const page = usePage<SharedProps>()
  const locale = computed<Locale>(() => (page.props.locale === 'en' ? 'en' : 'es'))
  const intlLocale = computed(() => (locale.value === 'en' ? 'en-US' : 'es-MX'))

  return {
    locale,
    intlLocale,
    t: (key: string, data?: Record<string, unknown>) => translate(locale.value, key, data),
    formatDate: (iso: string) =>
      new Intl.DateTimeFormat(intlLocale.value, { dateStyle: 'medium', timeStyle: 'short' }).format(
        new Date(iso)
      ),
    formatMoney: (amount: string | number, currency: string) =>
      new Intl.NumberFormat(intlLocale.value, { style: 'currency', currency }).format(
        Number(amount)
      ),
  }
}

import { computed } from 'vue'
import { usePage } from '@inertiajs/vue3'
import { IntlMessageFormat } from 'intl-messageformat'
import type { Locale, SharedProps } from '~/types'
import { hydrated } from '~/hydration'

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

const dateFormats = new Map<string, Intl.DateTimeFormat>()

/**
 * A date formatter, made once per locale, options and zone (making one
 * costs far more than using it, and a list formats hundreds of dates).
 */
export function dateFormat(locale: string, options: Intl.DateTimeFormatOptions) {
  const cacheKey = `${locale}|${JSON.stringify(options)}`
  let format = dateFormats.get(cacheKey)
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options)
    dateFormats.set(cacheKey, format)
  }
  return format
}

export function useI18n() {
  const page = usePage<SharedProps>()
  const locale = computed<Locale>(() => (page.props.locale === 'en' ? 'en' : 'es'))
  const intlLocale = computed(() => (locale.value === 'en' ? 'en-US' : 'es-MX'))
  /**
   * Dates and times are shown in the business's time zone: the server
   * renders the first visit, and a zone of its own (or of the browser's)
   * would give another hour there than in the browser that hydrates it.
   * A page without a business shows them in UTC while it hydrates, then
   * in the browser's zone.
   */
  const timeZone = computed(
    () =>
      page.props.currentBusiness?.timezone ??
      (hydrated.value ? Intl.DateTimeFormat().resolvedOptions().timeZone : 'UTC')
  )

  return {
    locale,
    intlLocale,
    timeZone,
    t: (key: string, data?: Record<string, unknown>) => translate(locale.value, key, data),
    formatDate: (iso: string) =>
      dateFormat(intlLocale.value, {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone: timeZone.value,
      }).format(new Date(iso)),
    formatTime: (iso: string) =>
      dateFormat(intlLocale.value, { timeStyle: 'short', timeZone: timeZone.value }).format(
        new Date(iso)
      ),
    formatMoney: (amount: string | number, currency: string) =>
      new Intl.NumberFormat(intlLocale.value, { style: 'currency', currency }).format(
        Number(amount)
      ),
  }
}

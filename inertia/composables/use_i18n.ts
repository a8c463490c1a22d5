import { computed } from 'vue'
import { usePage } from '@inertiajs/vue3'
import { IntlMessageFormat } from 'intl-messageformat'
import es from '@lang/es/ui.json'
import en from '@lang/en/ui.json'
import type { Locale, SharedProps } from '~/types'

/**
 * The interface texts: the same resources/lang/<locale>/ui.json files the
 * server translates with, formatted with ICU messages.
 */
const catalogs: Record<Locale, unknown> = { es, en }
const formats = new Map<string, IntlMessageFormat>()

function lookup(catalog: unknown, key: string): string | undefined {
  let node: unknown = catalog
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object') {
      return undefined
    }
    node = (node as Record<string, unknown>)[part]
  }
  return typeof node === 'string' ? node : undefined
}

export function translate(locale: Locale, key: string, data?: Record<string, unknown>) {
  const message = lookup(catalogs[locale], key) ?? lookup(catalogs.es, key)
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

  return {
    locale,
    t: (key: string, data?: Record<string, unknown>) => translate(locale.value, key, data),
    formatDate: (iso: string) =>
      new Intl.DateTimeFormat(locale.value === 'en' ? 'en-US' : 'es-MX', {
        dateStyle: 'medium',
        timeStyle: 'short',
      }).format(new Date(iso)),
  }
}

/**
 * Dates and names as the inbox shows them, in the person's language.
 */
type Translate = (key: string, data?: Record<string, unknown>) => string

function startOfDay(date: Date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime()
}

const DAY = 24 * 60 * 60 * 1000

export function clockTime(iso: string, locale: string) {
  return new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(new Date(iso))
}

/**
 * The list's time: the hour today, "Ayer", the weekday this week, else the
 * date.
 */
export function listTime(iso: string, locale: string, now: number, t: Translate) {
  const date = new Date(iso)
  const days = Math.round((startOfDay(new Date(now)) - startOfDay(date)) / DAY)
  if (days <= 0) return clockTime(iso, locale)
  if (days === 1) return t('inbox.day.yesterday')
  if (days < 7) return new Intl.DateTimeFormat(locale, { weekday: 'short' }).format(date)
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short' }).format(date)
}

/**
 * A day separator in the history: "Hoy", "Ayer", or the full date.
 */
export function dayLabel(iso: string, locale: string, now: number, t: Translate) {
  const date = new Date(iso)
  const days = Math.round((startOfDay(new Date(now)) - startOfDay(date)) / DAY)
  if (days === 0) return t('inbox.day.today')
  if (days === 1) return t('inbox.day.yesterday')
  return new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: new Date(now).getFullYear() === date.getFullYear() ? undefined : 'numeric',
  }).format(date)
}

export function dayKey(iso: string) {
  const date = new Date(iso)
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`
}

export function longDate(iso: string, locale: string) {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(new Date(iso))
}

export function initials(name: string) {
  const words = name
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
  if (words.length === 0) return '#'
  return (words[0][0] + (words.length > 1 ? words[words.length - 1][0] : '')).toUpperCase()
}

const AVATAR_COLORS = [
  'bg-teal-100 text-teal-800',
  'bg-sky-100 text-sky-800',
  'bg-amber-100 text-amber-800',
  'bg-rose-100 text-rose-800',
  'bg-violet-100 text-violet-800',
  'bg-lime-100 text-lime-800',
  'bg-orange-100 text-orange-800',
  'bg-indigo-100 text-indigo-800',
]

export function avatarColor(id: string) {
  let hash = 0
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return AVATAR_COLORS[hash % AVATAR_COLORS.length]
}

/**
 * "+52 55 1234 5678"-like grouping for display; digits only otherwise.
 */
export function formatPhone(phone: string | null) {
  if (!phone) return ''
  if (phone.startsWith('521') && phone.length === 13) {
    return `+52 1 ${phone.slice(3, 5)} ${phone.slice(5, 9)} ${phone.slice(9)}`
  }
  if (phone.startsWith('52') && phone.length === 12) {
    return `+52 ${phone.slice(2, 4)} ${phone.slice(4, 8)} ${phone.slice(8)}`
  }
  return `+${phone}`
}

import { dateFormat } from '~/composables/use_i18n'

/**
 * Dates and names as the inbox shows them, in the person's language and
 * the business's time zone (useI18n's timeZone): the same hour and the
 * same "today" on the server that renders the page as in the browser.
 */
type Translate = (key: string, data?: Record<string, unknown>) => string

const DAY = 24 * 60 * 60 * 1000

/**
 * The calendar day of a moment in a zone, as a day number (days since
 * 1970-01-01): two of them subtract to whole days.
 */
function dayNumber(date: Date, zone: string) {
  const parts = dateFormat('en-US', {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    timeZone: zone,
  }).formatToParts(date)
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((candidate) => candidate.type === type)?.value)
  return Date.UTC(part('year'), part('month') - 1, part('day')) / DAY
}

function yearOf(date: Date, zone: string) {
  return new Date(dayNumber(date, zone) * DAY).getUTCFullYear()
}

export function clockTime(iso: string, locale: string, zone: string) {
  return dateFormat(locale, { timeStyle: 'short', timeZone: zone }).format(new Date(iso))
}

/**
 * The list's time: the hour today, "Ayer", the weekday this week, else the
 * date.
 */
export function listTime(iso: string, locale: string, now: number, t: Translate, zone: string) {
  const date = new Date(iso)
  const days = dayNumber(new Date(now), zone) - dayNumber(date, zone)
  if (days <= 0) return clockTime(iso, locale, zone)
  if (days === 1) return t('inbox.day.yesterday')
  if (days < 7) return dateFormat(locale, { weekday: 'short', timeZone: zone }).format(date)
  return dateFormat(locale, { dateStyle: 'short', timeZone: zone }).format(date)
}

/**
 * A day separator in the history: "Hoy", "Ayer", or the full date.
 */
export function dayLabel(iso: string, locale: string, now: number, t: Translate, zone: string) {
  const date = new Date(iso)
  const days = dayNumber(new Date(now), zone) - dayNumber(date, zone)
  if (days === 0) return t('inbox.day.today')
  if (days === 1) return t('inbox.day.yesterday')
  return dateFormat(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: yearOf(new Date(now), zone) === yearOf(date, zone) ? undefined : 'numeric',
    timeZone: zone,
  }).format(date)
}

export function dayKey(iso: string, zone: string) {
  return String(dayNumber(new Date(iso), zone))
}

export function longDate(iso: string, locale: string, zone: string) {
  return dateFormat(locale, { dateStyle: 'long', timeZone: zone }).format(new Date(iso))
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

import { DateTime } from 'luxon'
import i18nManager from '@adonisjs/i18n/services/main'

/**
 * Days in the order people read a week in Latin America: Monday first.
 * Luxon's `weekday` is 1 (Monday) to 7 (Sunday): WEEKDAYS[weekday - 1].
 */
export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const

export type Weekday = (typeof WEEKDAYS)[number]

/**
 * "HH:MM" local times. `close` may be "24:00": open until midnight.
 */
export type TimeRange = { open: string; close: string }

export type WeeklyHours = Record<Weekday, TimeRange[]>

const MINUTES_IN_DAY = 24 * 60
const TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/

/**
 * Minutes since midnight of an "HH:MM" time ("24:00" only when
 * `endOfDay` allows it), or null when it is not one.
 */
export function minutesOf(time: string, { endOfDay = false } = {}): number | null {
  if (endOfDay && time === '24:00') {
    return MINUTES_IN_DAY
  }
  const match = TIME_PATTERN.exec(time)
  return match ? Number(match[1]) * 60 + Number(match[2]) : null
}

/**
 * Every day present (missing days are closed), ranges sorted by opening.
 */
export function normalizeHours(input: Partial<Record<Weekday, TimeRange[]>>): WeeklyHours {
  const hours = {} as WeeklyHours
  for (const day of WEEKDAYS) {
    hours[day] = [...(input[day] ?? [])]
      .map(({ open, close }) => ({ open, close }))
      .sort((a, b) => minutesOf(a.open)! - minutesOf(b.open)!)
  }
  return hours
}

type Locale = 'es' | 'en'

/**
 * A business's weekly opening hours, read in its time zone: whether it is
 * open at a moment, when it opens or closes next, and the hours as a
 * sentence ("Lunes a viernes de 9:00 a 18:00; domingo cerrado").
 *
 * Ranges are validated on the way in (see #validators/knowledge): HH:MM,
 * opening before closing, no overlaps within a day. A range never
 * crosses midnight; a night shift is "22:00–24:00" plus "00:00–02:00" on
 * the next day, and the two read as one opening period.
 */
export class OpeningHours {
  readonly hours: WeeklyHours

  constructor(
    hours: Partial<Record<Weekday, TimeRange[]>>,
    readonly timezone: string
  ) {
    this.hours = normalizeHours(hours)
  }

  get isAlwaysClosed() {
    return WEEKDAYS.every((day) => this.hours[day].length === 0)
  }

  isOpenAt(at: DateTime): boolean {
    const local = at.setZone(this.timezone)
    return this.#rangeAt(local.weekday - 1, local.hour * 60 + local.minute) !== null
  }

  /**
   * The first moment at or after `at` when the business is open: `at`
   * itself when it is open then, null when it never opens.
   */
  nextOpening(at: DateTime): DateTime | null {
    const local = at.setZone(this.timezone)
    if (this.isOpenAt(local)) {
      return local
    }

    const today = local.startOf('day')
    for (let offset = 0; offset <= 7; offset++) {
      const date = today.plus({ days: offset })
      for (const range of this.hours[WEEKDAYS[date.weekday - 1]]) {
        const opening = this.#timeOn(date, range.open)
        if (opening > local) {
          return opening
        }
      }
    }
    return null
  }

  /**
   * When the opening period that includes `at` ends (following ranges
   * that continue one another, across midnight too). Null when the
   * business is closed at `at`, or open around the clock.
   */
  nextClosing(at: DateTime): DateTime | null {
    const local = at.setZone(this.timezone)
    let dayIndex = local.weekday - 1
    let date = local.startOf('day')
    const first = this.#rangeAt(dayIndex, local.hour * 60 + local.minute)
    if (!first) {
      return null
    }
    let range: TimeRange = first

    const rangesInWeek = WEEKDAYS.reduce((count, day) => count + this.hours[day].length, 0)
    for (let steps = 0; steps < rangesInWeek; steps++) {
      const close = minutesOf(range.close, { endOfDay: true })!
      const next: TimeRange | null =
        close === MINUTES_IN_DAY
          ? this.#rangeStartingAt((dayIndex + 1) % 7, 0)
          : this.#rangeStartingAt(dayIndex, close)
      if (!next) {
        return this.#timeOn(date, range.close)
      }
      if (close === MINUTES_IN_DAY) {
        dayIndex = (dayIndex + 1) % 7
        date = date.plus({ days: 1 })
      }
      range = next
    }
    return null
  }

  /**
   * The week in one sentence, consecutive days with the same hours
   * together: "Lunes a viernes de 9:00 a 18:00; sábado de 10:00 a 14:00;
   * domingo cerrado".
   */
  describe(locale: Locale): string {
    const i18n = i18nManager.locale(locale)
    const t = (key: string, data?: Record<string, unknown>) =>
      i18n.t(`knowledge.hours_text.${key}`, data)

    if (this.isAlwaysClosed) {
      return t('all_closed')
    }
    if (WEEKDAYS.every((day) => isAllDay(this.hours[day]))) {
      return t('always_open')
    }

    const runs: { first: number; last: number; ranges: TimeRange[] }[] = []
    WEEKDAYS.forEach((day, index) => {
      const previous = runs.at(-1)
      if (previous && sameRanges(previous.ranges, this.hours[day])) {
        previous.last = index
      } else {
        runs.push({ first: index, last: index, ranges: this.hours[day] })
      }
    })

    const list = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' })
    const dayName = (index: number) => t(`days.${WEEKDAYS[index]}`)

    const sentence = runs
      .map(({ first, last, ranges }) => {
        const days =
          runs.length === 1
            ? t('every_day')
            : first === last
              ? dayName(first)
              : last === first + 1
                ? t('days_pair', { first: dayName(first), last: dayName(last) })
                : t('days_span', { first: dayName(first), last: dayName(last) })

        let hours: string
        if (ranges.length === 0) {
          hours = t('closed')
        } else if (isAllDay(ranges)) {
          hours = t('all_day')
        } else {
          hours = list.format(
            ranges.map((range) =>
              t('range', {
                open: formatTime(range.open, locale),
                close: formatTime(range.close, locale),
              })
            )
          )
        }
        return t('segment', { days, hours })
      })
      .join('; ')

    return sentence.charAt(0).toLocaleUpperCase(locale) + sentence.slice(1)
  }

  #rangeAt(dayIndex: number, minute: number): TimeRange | null {
    return (
      this.hours[WEEKDAYS[dayIndex]].find(
        (range) =>
          minutesOf(range.open)! <= minute && minute < minutesOf(range.close, { endOfDay: true })!
      ) ?? null
    )
  }

  #rangeStartingAt(dayIndex: number, minute: number): TimeRange | null {
    return this.hours[WEEKDAYS[dayIndex]].find((range) => minutesOf(range.open) === minute) ?? null
  }

  /**
   * The moment a local "HH:MM" happens on a date, in the business's zone.
   * A time skipped by a daylight-saving change moves forward with it.
   */
  #timeOn(date: DateTime, time: string): DateTime {
    const minutes = minutesOf(time, { endOfDay: true })!
    if (minutes === MINUTES_IN_DAY) {
      return date.plus({ days: 1 }).startOf('day')
    }
    return DateTime.fromObject(
      {
        year: date.year,
        month: date.month,
        day: date.day,
        hour: Math.floor(minutes / 60),
        minute: minutes % 60,
      },
      { zone: this.timezone }
    )
  }
}

function isAllDay(ranges: TimeRange[]) {
  return ranges.length === 1 && ranges[0].open === '00:00' && ranges[0].close === '24:00'
}

function sameRanges(a: TimeRange[], b: TimeRange[]) {
  return (
    a.length === b.length &&
    a.every((range, index) => range.open === b[index].open && range.close === b[index].close)
  )
}

/**
 * "9:00", "18:00" in Spanish; "9:00 AM", "6:00 PM", "midnight" in English.
 */
export function formatTime(time: string, locale: Locale) {
  const minutes = minutesOf(time, { endOfDay: true })!
  const hour = Math.floor(minutes / 60)
  const minute = String(minutes % 60).padStart(2, '0')
  if (locale === 'es') {
    return `${hour}:${minute}`
  }
  if (hour % 24 === 0 && minute === '00') {
    return 'midnight'
  }
  const suffix = hour < 12 || hour === 24 ? 'AM' : 'PM'
  return `${hour % 12 === 0 ? 12 : hour % 12}:${minute} ${suffix}`
}

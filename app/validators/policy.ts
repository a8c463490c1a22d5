import vine from '@vinejs/vine'
import type { HttpRequest } from '@adonisjs/core/http'
import type { FieldContext } from '@vinejs/vine/types'
import { WEEKDAYS, minutesOf, type Weekday } from '#services/opening_hours'

/**
 * A local time "HH:MM" (00:00 to 23:59). A closing time may also be
 * "24:00": open until midnight.
 */
const timeOfDay = vine.createRule<{ endOfDay?: boolean } | undefined>(
  (value, options, field) => {
    if (typeof value !== 'string') {
      return
    }
    if (minutesOf(value, { endOfDay: options?.endOfDay }) === null) {
      field.report('The {{ field }} must be a time as HH:MM', 'time', field)
    }
  },
  { name: 'time' }
)

/**
 * Opening before closing. Reported on the range itself.
 */
const openBeforeClose = vine.createRule(
  (value, _options, field) => {
    const { open, close } = value as { open: unknown; close: unknown }
    if (typeof open !== 'string' || typeof close !== 'string') {
      return
    }
    const from = minutesOf(open)
    const to = minutesOf(close, { endOfDay: true })
    if (from !== null && to !== null && from >= to) {
      field.report('The closing time must be after the opening time', 'time_range_order', field)
    }
  },
  { name: 'time_range_order' }
)

/**
 * No two ranges of a day overlap (one may start when another ends).
 * Reported on the day.
 */
const noOverlaps = vine.createRule(
  (value, _options, field: FieldContext) => {
    const ranges = (value as { open: unknown; close: unknown }[])
      .map(({ open, close }) => ({
        from: typeof open === 'string' ? minutesOf(open) : null,
        to: typeof close === 'string' ? minutesOf(close, { endOfDay: true }) : null,
      }))
      .filter((range): range is { from: number; to: number } => {
        return range.from !== null && range.to !== null && range.from < range.to
      })
      .sort((a, b) => a.from - b.from)

    if (ranges.some((range, index) => index > 0 && range.from < ranges[index - 1].to)) {
      field.report('The {{ field }} hours overlap', 'time_range_overlap', field)
    }
  },
  { name: 'time_range_overlap' }
)

/**
 * Days are named in English (monday … sunday): any other key is an error
 * rather than a day silently lost.
 */
const knownWeekdays = vine.createRule(
  (value, _options, field) => {
    const unknown = Object.keys(value as object).filter((key) => !WEEKDAYS.includes(key as Weekday))
    if (unknown.length > 0) {
      field.report('Unknown days in {{ field }}', 'weekdays', field, {
        days: unknown.join(', '),
      })
    }
  },
  { name: 'weekdays' }
)

export const MAX_RANGES_PER_DAY = 6
export const MAX_FAQS = 40

const day = () =>
  vine
    .array(
      vine
        .object({
          open: vine.string().trim().use(timeOfDay()),
          close: vine
            .string()
            .trim()
            .use(timeOfDay({ endOfDay: true })),
        })
        .use(openBeforeClose())
    )
    .maxLength(MAX_RANGES_PER_DAY)
    .use(noOverlaps())
    .optional()

/**
 * The week: each day a list of ranges; a missing or empty day is closed.
 */
const weeklyHours = () =>
  vine
    .object(
      Object.fromEntries(WEEKDAYS.map((weekday) => [weekday, day()])) as Record<
        Weekday,
        ReturnType<typeof day>
      >
    )
    .allowUnknownProperties()
    .use(knownWeekdays())

const text = (max: number) => vine.string().trim().maxLength(max).nullable().optional()

const policyFields = {
  shippingPolicy: text(4000),
  refundPolicy: text(4000),
  brandVoice: text(1500),
  /**
   * null clears the hours ("not said"); omitted leaves them as they are.
   * (Or text: see policyHoursAsText.)
   */
  allowedHours: weeklyHours().nullable().optional(),
  /**
   * The whole ordered list: it replaces the saved one.
   */
  faqs: vine
    .array(
      vine.object({
        question: vine.string().trim().minLength(3).maxLength(200),
        answer: vine.string().trim().maxLength(1000),
      })
    )
    .maxLength(MAX_FAQS)
    .optional(),
}

export const createPolicyValidator = vine.create({
  business_id: vine.string(),
  ...policyFields,
})

export const updatePolicyValidator = vine.create(policyFields)

/**
 * The hours as text, as the seed's API took them ("Lun-Sáb 9:00-19:00"):
 * the same fields with allowedHours a string. (VineJS unions read null as
 * missing, which would make "allowedHours": null leave the hours as they
 * were, so the shape of the value picks the validator instead.)
 */
const hoursAsText = { allowedHours: vine.string().trim().maxLength(500) }
const createPolicyWithTextHours = vine.create({
  business_id: vine.string(),
  ...policyFields,
  ...hoursAsText,
})
const updatePolicyWithTextHours = vine.create({ ...policyFields, ...hoursAsText })

/**
 * A policy body, validated by the shape of its hours: the week (an
 * object) or text.
 */
export function validateNewPolicy(request: HttpRequest) {
  return typeof request.input('allowedHours') === 'string'
    ? request.validateUsing(createPolicyWithTextHours)
    : request.validateUsing(createPolicyValidator)
}

export function validatePolicyChanges(request: HttpRequest) {
  return typeof request.input('allowedHours') === 'string'
    ? request.validateUsing(updatePolicyWithTextHours)
    : request.validateUsing(updatePolicyValidator)
}

export const policyQueryValidator = vine.create({
  business_id: vine.string(),
})

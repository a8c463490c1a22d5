import { WEEKDAYS, type TimeRange, type WeeklyHours } from '~/components/knowledge/types'

/**
 * The hours editor works with what time inputs can show: midnight as a
 * closing time is "00:00" there and "24:00" on the server.
 */
export function hoursForEditor(hours: WeeklyHours): WeeklyHours {
  return mapRanges(hours, ({ open, close }) => ({
    open,
    close: close === '24:00' ? '00:00' : close,
  }))
}

export function hoursForServer(hours: WeeklyHours): WeeklyHours {
  return mapRanges(hours, ({ open, close }) => ({
    open,
    close: close === '00:00' ? '24:00' : close,
  }))
}

/**
 * A starting point: Monday to Friday 9:00–18:00, weekend closed.
 */
export function usualWeek(): WeeklyHours {
  return Object.fromEntries(
    WEEKDAYS.map((day, index) => [day, index < 5 ? [{ open: '09:00', close: '18:00' }] : []])
  ) as WeeklyHours
}

function mapRanges(hours: WeeklyHours, map: (range: TimeRange) => TimeRange): WeeklyHours {
  return Object.fromEntries(
    WEEKDAYS.map((day) => [day, (hours[day] ?? []).map(map)])
  ) as WeeklyHours
}

import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { OpeningHours, type WeeklyHours } from '#services/opening_hours'

const weekdays = (open: string, close: string) =>
  Object.fromEntries(
    ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((day) => [day, [{ open, close }]])
  ) as Partial<WeeklyHours>

/**
 * A shop: Monday to Friday 9–18, Saturday 10–14, Sunday closed.
 */
const SHOP: Partial<WeeklyHours> = {
  ...weekdays('09:00', '18:00'),
  saturday: [{ open: '10:00', close: '14:00' }],
}

const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' })

test.group('Opening hours: open or closed at a moment', () => {
  test('reads the moment in the business time zone, not in UTC', ({ assert }) => {
    const mexico = new OpeningHours(SHOP, 'America/Mexico_City')

    // Monday 2026-01-12, Mexico City is UTC-6.
    assert.isFalse(mexico.isOpenAt(utc('2026-01-12T14:59:00Z')), '08:59 local')
    assert.isTrue(mexico.isOpenAt(utc('2026-01-12T15:00:00Z')), '09:00 local')
    assert.isTrue(mexico.isOpenAt(utc('2026-01-12T23:59:59Z')), '17:59:59 local')
    assert.isFalse(mexico.isOpenAt(utc('2026-01-13T00:00:00Z')), '18:00 local, closing time')
  })

  test('the same instant is open in one time zone and closed in another', ({ assert }) => {
    const instant = utc('2026-01-12T13:30:00Z')
    assert.isFalse(new OpeningHours(SHOP, 'America/Bogota').isOpenAt(instant), '08:30 in Bogotá')
    assert.isTrue(new OpeningHours(SHOP, 'America/Argentina/Buenos_Aires').isOpenAt(instant))
  })

  test('the local day decides when UTC is already on the next day', ({ assert }) => {
    const mexico = new OpeningHours(SHOP, 'America/Mexico_City')

    // Saturday 03:30 UTC is still Friday 21:30 in Mexico City: closed.
    assert.isFalse(mexico.isOpenAt(utc('2026-01-17T03:30:00Z')))
    // Saturday 16:30 UTC is Saturday 10:30 local: open on Saturday hours.
    assert.isTrue(mexico.isOpenAt(utc('2026-01-17T16:30:00Z')))
    // Sunday noon local.
    assert.isFalse(mexico.isOpenAt(utc('2026-01-18T18:00:00Z')))

    // Tokyo is ahead: Sunday 23:30 UTC is Monday 08:30 there, then 09:00.
    const tokyo = new OpeningHours(SHOP, 'Asia/Tokyo')
    assert.isFalse(tokyo.isOpenAt(utc('2026-01-18T23:30:00Z')))
    assert.isTrue(tokyo.isOpenAt(utc('2026-01-19T00:00:00Z')))
  })

  test('follows daylight saving time', ({ assert }) => {
    const madrid = new OpeningHours(SHOP, 'Europe/Madrid')

    // Monday 07:30 UTC is 08:30 in winter (UTC+1) and 09:30 in summer (UTC+2).
    assert.isFalse(madrid.isOpenAt(utc('2026-01-12T07:30:00Z')))
    assert.isTrue(madrid.isOpenAt(utc('2026-07-13T07:30:00Z')))
  })

  test('a lunch break closes the business between two ranges', ({ assert }) => {
    const hours = new OpeningHours(
      {
        monday: [
          { open: '16:00', close: '19:00' },
          { open: '09:00', close: '14:00' },
        ],
      },
      'America/Bogota'
    )
    const at = (time: string) => DateTime.fromISO(`2026-01-12T${time}`, { zone: 'America/Bogota' })

    assert.isTrue(hours.isOpenAt(at('13:59')))
    assert.isFalse(hours.isOpenAt(at('14:00')))
    assert.isFalse(hours.isOpenAt(at('15:30')))
    assert.isTrue(hours.isOpenAt(at('16:00')))
    assert.isFalse(hours.isOpenAt(at('19:00')))
  })
})

test.group('Opening hours: next opening and closing', () => {
  test('is the moment itself while open, and the next range when closed', ({ assert }) => {
    const mexico = new OpeningHours(SHOP, 'America/Mexico_City')

    const open = utc('2026-01-12T16:00:00Z')
    assert.equal(mexico.nextOpening(open)!.toMillis(), open.toMillis())

    // Monday 07:00 local → Monday 09:00 local.
    assert.equal(
      mexico.nextOpening(utc('2026-01-12T13:00:00Z'))!.toUTC().toISO(),
      '2026-01-12T15:00:00.000Z'
    )
    // Friday 20:00 local (Saturday 02:00 UTC) → Saturday 10:00 local.
    assert.equal(
      mexico.nextOpening(utc('2026-01-17T02:00:00Z'))!.toISO(),
      '2026-01-17T10:00:00.000-06:00'
    )
    // Saturday 15:00 local: Sunday is closed → Monday 09:00 local.
    assert.equal(
      mexico.nextOpening(utc('2026-01-17T21:00:00Z'))!.toISO(),
      '2026-01-19T09:00:00.000-06:00'
    )
  })

  test('finds the same weekday a week later', ({ assert }) => {
    const mondaysOnly = new OpeningHours(
      { monday: [{ open: '09:00', close: '10:00' }] },
      'America/Lima'
    )
    const mondayNoon = DateTime.fromISO('2026-01-12T12:00', { zone: 'America/Lima' })
    assert.equal(mondaysOnly.nextOpening(mondayNoon)!.toISO(), '2026-01-19T09:00:00.000-05:00')
  })

  test('crosses a daylight saving change with the local time kept', ({ assert }) => {
    const madrid = new OpeningHours(SHOP, 'Europe/Madrid')
    // Saturday 2026-03-28 19:00 (UTC+1); clocks move forward on Sunday.
    const saturdayEvening = DateTime.fromISO('2026-03-28T19:00', { zone: 'Europe/Madrid' })
    const opening = madrid.nextOpening(saturdayEvening)!
    assert.equal(opening.toISO(), '2026-03-30T09:00:00.000+02:00')
    assert.equal(opening.toUTC().toISO(), '2026-03-30T07:00:00.000Z')
  })

  test('a night shift across midnight reads as one opening period', ({ assert }) => {
    const bar = new OpeningHours(
      {
        friday: [{ open: '20:00', close: '24:00' }],
        saturday: [{ open: '00:00', close: '02:00' }],
      },
      'America/Bogota'
    )
    const at = (iso: string) => DateTime.fromISO(iso, { zone: 'America/Bogota' })

    assert.isTrue(bar.isOpenAt(at('2026-01-16T23:59')))
    assert.isTrue(bar.isOpenAt(at('2026-01-17T01:30')))
    assert.isFalse(bar.isOpenAt(at('2026-01-17T02:00')))
    assert.equal(bar.nextClosing(at('2026-01-16T21:00'))!.toISO(), '2026-01-17T02:00:00.000-05:00')
    assert.isNull(bar.nextClosing(at('2026-01-17T03:00')), 'closed: no closing time')
  })

  test('a lunch break: open until the break, then open again after it', ({ assert }) => {
    const hours = new OpeningHours(
      {
        monday: [
          { open: '09:00', close: '14:00' },
          { open: '16:00', close: '19:00' },
        ],
      },
      'America/Santiago'
    )
    const at = (time: string) =>
      DateTime.fromISO(`2026-01-12T${time}`, { zone: 'America/Santiago' })

    assert.equal(hours.nextClosing(at('10:00'))!.toFormat('HH:mm'), '14:00')
    assert.equal(hours.nextOpening(at('14:30'))!.toFormat('yyyy-MM-dd HH:mm'), '2026-01-12 16:00')
  })

  test('never opens, or never closes', ({ assert }) => {
    const now = utc('2026-01-12T12:00:00Z')

    const closed = new OpeningHours({}, 'America/Mexico_City')
    assert.isFalse(closed.isOpenAt(now))
    assert.isNull(closed.nextOpening(now))

    const allDay = [{ open: '00:00', close: '24:00' }]
    const always = new OpeningHours(
      {
        monday: allDay,
        tuesday: allDay,
        wednesday: allDay,
        thursday: allDay,
        friday: allDay,
        saturday: allDay,
        sunday: allDay,
      },
      'America/Mexico_City'
    )
    assert.isTrue(always.isOpenAt(now))
    assert.isNull(always.nextClosing(now))
  })
})

test.group('Opening hours: as a sentence', () => {
  test('groups consecutive days with the same hours, in Spanish and English', ({ assert }) => {
    const hours = new OpeningHours(SHOP, 'America/Mexico_City')
    assert.equal(
      hours.describe('es'),
      'Lunes a viernes de 9:00 a 18:00; sábado de 10:00 a 14:00; domingo cerrado'
    )
    assert.equal(
      hours.describe('en'),
      'Monday to Friday from 9:00 AM to 6:00 PM; Saturday from 10:00 AM to 2:00 PM; Sunday closed'
    )
  })

  test('lists several ranges of a day and pairs two days', ({ assert }) => {
    const hours = new OpeningHours(
      {
        ...weekdays('09:00', '14:00'),
        monday: [
          { open: '16:00', close: '19:00' },
          { open: '09:00', close: '14:00' },
        ],
        tuesday: [
          { open: '09:00', close: '14:00' },
          { open: '16:00', close: '19:00' },
        ],
        saturday: [{ open: '20:00', close: '24:00' }],
        sunday: [{ open: '20:00', close: '24:00' }],
      },
      'America/Mexico_City'
    )
    assert.equal(
      hours.describe('es'),
      'Lunes y martes de 9:00 a 14:00 y de 16:00 a 19:00; miércoles a viernes de 9:00 a 14:00; sábado y domingo de 20:00 a 24:00'
    )
    assert.equal(
      hours.describe('en'),
      'Monday and Tuesday from 9:00 AM to 2:00 PM and from 4:00 PM to 7:00 PM; Wednesday to Friday from 9:00 AM to 2:00 PM; Saturday and Sunday from 8:00 PM to midnight'
    )
  })

  test('keeps days apart when the week is not consecutive', ({ assert }) => {
    const hours = new OpeningHours(
      {
        monday: [{ open: '09:00', close: '18:00' }],
        wednesday: [{ open: '09:00', close: '18:00' }],
      },
      'America/Mexico_City'
    )
    assert.equal(
      hours.describe('es'),
      'Lunes de 9:00 a 18:00; martes cerrado; miércoles de 9:00 a 18:00; jueves a domingo cerrado'
    )
  })

  test('says every day, around the clock and closed in few words', ({ assert }) => {
    const every = (open: string, close: string) =>
      Object.fromEntries(
        ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map(
          (day) => [day, [{ open, close }]]
        )
      )
    assert.equal(
      new OpeningHours(every('08:30', '20:00'), 'UTC').describe('es'),
      'Todos los días de 8:30 a 20:00'
    )
    assert.equal(
      new OpeningHours(every('00:00', '24:00'), 'UTC').describe('es'),
      'Abierto todos los días, las 24 horas'
    )
    assert.equal(new OpeningHours({}, 'UTC').describe('es'), 'Cerrado todos los días')
    assert.equal(new OpeningHours({}, 'UTC').describe('en'), 'Closed every day')
  })
})

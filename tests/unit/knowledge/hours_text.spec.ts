import { test } from '@japa/runner'
import { readHoursText } from '#services/hours_text'

const range = (open: string, close: string) => [{ open, close }]
const closed = () => []

test.group('Opening hours written as text', () => {
  test('{text}')
    .with([
      {
        text: 'Lun-Sáb 9:00-19:00',
        week: [
          '09:00-19:00',
          '09:00-19:00',
          '09:00-19:00',
          '09:00-19:00',
          '09:00-19:00',
          '09:00-19:00',
          '',
        ],
      },
      {
        text: 'L a V de 9 a 18, sáb 10-14',
        week: [
          '09:00-18:00',
          '09:00-18:00',
          '09:00-18:00',
          '09:00-18:00',
          '09:00-18:00',
          '10:00-14:00',
          '',
        ],
      },
      {
        text: 'Mon-Fri 9am-6pm',
        week: ['09:00-18:00', '09:00-18:00', '09:00-18:00', '09:00-18:00', '09:00-18:00', '', ''],
      },
      {
        text: 'lunes, miércoles y viernes de 10 a 14 y de 16 a 20; domingo cerrado',
        week: [
          '10:00-14:00 16:00-20:00',
          '',
          '10:00-14:00 16:00-20:00',
          '',
          '10:00-14:00 16:00-20:00',
          '',
          '',
        ],
      },
      {
        text: 'Sat & Sun 10:30 a.m. - 2 p.m.',
        week: ['', '', '', '', '', '10:30-14:00', '10:30-14:00'],
      },
      {
        text: 'De lunes a viernes de 9 a 6. Sábados de 9 a 1',
        week: [
          '09:00-18:00',
          '09:00-18:00',
          '09:00-18:00',
          '09:00-18:00',
          '09:00-18:00',
          '09:00-13:00',
          '',
        ],
      },
      {
        text: 'Todos los días de 8:00 a 22:00 hrs',
        week: Array(7).fill('08:00-22:00'),
      },
      { text: '24/7', week: Array(7).fill('00:00-24:00') },
      {
        text: 'Viernes y sábado 18:00 a medianoche',
        week: ['', '', '', '', '18:00-24:00', '18:00-24:00', ''],
      },
    ])
    .run(({ assert }, { text, week }) => {
      const hours = readHoursText(text)
      assert.isNotNull(hours, text)
      const written = Object.values(hours!).map((ranges) =>
        ranges.map(({ open, close }) => `${open}-${close}`).join(' ')
      )
      assert.deepEqual(written, week)
    })

  test('text that cannot be read without guessing stays text: {0}')
    .with([
      ['Previa cita por WhatsApp'],
      ['9:00-18:00'],
      ['Lunes a viernes'],
      ['Lunes 18 a 9'],
      ['Lun 9-14, lun 13-18'],
      ['Lunes a viernes de 9 a 25'],
      ['Depende de la temporada, lunes 9-18'],
    ])
    .run(({ assert }, [text]) => {
      assert.isNull(readHoursText(text))
    })

  test('what is not named is closed', ({ assert }) => {
    const hours = readHoursText('sáb 10-14')!
    assert.deepEqual(hours.saturday, range('10:00', '14:00'))
    assert.deepEqual(hours.monday, closed())
  })
})

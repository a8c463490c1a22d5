import { test } from '@japa/runner'
import { equivalentDigits, toWhatsappDigits } from '#services/whatsapp/phone_numbers'

/**
 * The JID digits of each typed form, in a business of `country`.
 */
function digitsOf(country: string, inputs: string[]) {
  return inputs.map((input) => toWhatsappDigits(input, country).digits)
}

test.group('Phone numbers: what people type → the JID digits', () => {
  test('Mexico: with or without +52, with the old 1 or without, JID digits', ({ assert }) => {
    const forms = [
      '+52 55 1234 5678',
      '55 1234 5678',
      '(55) 1234-5678',
      '+52 1 55 1234 5678',
      '5215512345678',
      '525512345678',
      '00 52 55 1234 5678',
    ]
    assert.deepEqual(digitsOf('MX', forms), Array(forms.length).fill('5215512345678'))
  })

  test('Argentina: with or without the 9, with the 15 or the 0, JID digits', ({ assert }) => {
    const buenosAires = [
      '+54 11 1234-5678',
      '+54 9 11 1234-5678',
      '011 15 1234-5678',
      '11 15 1234 5678',
      '011 1234-5678',
      '+54 11 15 1234 5678',
      '5491112345678',
    ]
    assert.deepEqual(digitsOf('AR', buenosAires), Array(buenosAires.length).fill('5491112345678'))
    assert.deepEqual(digitsOf('AR', ['0351 15 123-4567', '+54 351 123 4567']), [
      '5493511234567',
      '5493511234567',
    ])
  })

  test('Brazil: a mobile gets its ninth digit; a landline stays as it is', ({ assert }) => {
    const saoPaulo = ['+55 11 91234-5678', '(11) 91234-5678', '11 91234 5678', '5511912345678']
    assert.deepEqual(digitsOf('BR', saoPaulo), Array(saoPaulo.length).fill('5511912345678'))
    assert.deepEqual(digitsOf('BR', ['(31) 8765-4321']), ['5531987654321'])
    assert.deepEqual(digitsOf('BR', ['(11) 3456-7890']), ['551134567890'])
  })

  test('the business’s country reads national numbers; a + number is anyone’s', ({ assert }) => {
    assert.equal(toWhatsappDigits('321 1234567', 'CO').digits, '573211234567')
    assert.equal(toWhatsappDigits('612 34 56 78', 'ES').digits, '34612345678')
    assert.equal(toWhatsappDigits('+34 612 34 56 78', 'MX').digits, '34612345678')
    assert.equal(toWhatsappDigits('+52 55 1234 5678', 'AR').digits, '5215512345678')
    assert.equal(toWhatsappDigits('5215512345678', 'AR').digits, '5215512345678')
    assert.equal(toWhatsappDigits('5511912345678', 'MX').digits, '5511912345678')
  })

  test('what cannot be a phone is null, with the reason', ({ assert }) => {
    assert.deepEqual(toWhatsappDigits('abc', 'MX'), { digits: null, problem: 'not_a_number' })
    assert.deepEqual(toWhatsappDigits('55 1234', 'MX'), { digits: null, problem: 'too_short' })
    assert.deepEqual(toWhatsappDigits('55 1234 5678 9012 34', 'MX'), {
      digits: null,
      problem: 'too_long',
    })
    assert.deepEqual(toWhatsappDigits('+999 1234 5678', 'MX'), {
      digits: null,
      problem: 'invalid_country',
    })
    assert.deepEqual(toWhatsappDigits('', 'MX'), { digits: null, problem: 'not_a_number' })
    assert.deepEqual(toWhatsappDigits('55-1234-5678; DROP', 'MX'), {
      digits: null,
      problem: 'not_a_number',
    })
  })
})

test.group('Phone numbers: the stored forms of one phone', () => {
  test('Mexico: with and without the 1 after 52', ({ assert }) => {
    const forms = ['5215512345678', '525512345678']
    for (const form of forms) {
      assert.sameMembers(equivalentDigits(form), forms)
      assert.equal(equivalentDigits(form)[0], form)
    }
  })

  test('Argentina: with and without the 9, with and without the 15', ({ assert }) => {
    const buenosAires = ['5491112345678', '541112345678', '549111512345678', '54111512345678']
    for (const form of buenosAires) {
      assert.sameMembers(equivalentDigits(form), buenosAires)
    }
    assert.sameMembers(equivalentDigits('5493511234567'), [
      '5493511234567',
      '543511234567',
      '549351151234567',
      '54351151234567',
    ])
  })

  test('Brazil: with and without the ninth digit; landlines have one form', ({ assert }) => {
    const saoPaulo = ['5511912345678', '551112345678']
    for (const form of saoPaulo) {
      assert.sameMembers(equivalentDigits(form), saoPaulo)
    }
    assert.deepEqual(equivalentDigits('551134567890'), ['551134567890'])
  })

  test('other countries: the digits alone', ({ assert }) => {
    assert.deepEqual(equivalentDigits('573211234567'), ['573211234567'])
    assert.deepEqual(equivalentDigits('34612345678'), ['34612345678'])
  })

  test('every typed form reaches the stored forms of the others', ({ assert }) => {
    for (const [country, typed, stored] of [
      ['MX', '+52 55 1234 5678', '525512345678'],
      ['AR', '011 15 1234-5678', '541112345678'],
      ['BR', '(11) 91234-5678', '551112345678'],
    ]) {
      const { digits } = toWhatsappDigits(typed, country)
      assert.include(equivalentDigits(digits!), stored)
    }
  })
})

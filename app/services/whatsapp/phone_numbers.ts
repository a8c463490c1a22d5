import {
  getExampleNumber,
  isSupportedCountry,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
} from 'libphonenumber-js'
import examples from 'libphonenumber-js/mobile/examples'
import UserError from '#exceptions/user_error'

/**
 * Phone numbers as people type them and as WhatsApp writes them in JIDs.
 * Both are read with the business's country (numbers typed without a
 * country code are from there), and three countries write one phone in
 * several ways:
 * - Mexico: JIDs of mobiles keep the old "1" after 52 (5215512345678),
 *   which the numbering plan (and libphonenumber) dropped: +52 55 1234 5678.
 * - Argentina: JIDs of mobiles are 549 + area code + number; people type
 *   the number without the 9 (+54 11 1234-5678) or with the old "15" after
 *   the area code (011 15 1234-5678).
 * - Brazil: mobiles have a ninth digit (+55 11 91234-5678), but JIDs of
 *   accounts older than it may lack it (551112345678).
 */

export type PhoneProblem = 'not_a_number' | 'too_short' | 'too_long' | 'invalid_country' | 'invalid'

export type WhatsappDigits =
  { digits: string; problem: null } | { digits: null; problem: PhoneProblem }

const PROBLEMS: Record<string, PhoneProblem> = {
  NOT_A_NUMBER: 'not_a_number',
  TOO_SHORT: 'too_short',
  TOO_LONG: 'too_long',
  INVALID_COUNTRY: 'invalid_country',
}

/**
 * The digits of the JID WhatsApp gives the phone a person typed ("+52 55
 * 1234 5678", "55 1234 5678" in a Mexican business, or JID digits such as
 * "5215512345678"), or why it cannot be a phone number. Numbers of
 * Argentina are taken for mobiles (a WhatsApp account); Brazilian mobiles
 * get their ninth digit.
 */
export function toWhatsappDigits(input: string, country: string): WhatsappDigits {
  const text = input.trim()
  if (!/^\+?[\d\s().-]+$/.test(text)) {
    return { digits: null, problem: 'not_a_number' }
  }
  const defaultCountry = isSupportedCountry(country) ? country : undefined
  const international = `+${withoutMexicanMobileOne(text.replace(/\D/g, ''))}`
  /**
   * Without "+", the national reading comes first (55 1234 5678 in
   * Mexico); digits that are not a national number may be a full one
   * (JID digits).
   */
  const candidates =
    text.startsWith('+') || !defaultCountry ? [international] : [text, international]

  for (const candidate of candidates) {
    const phone = parsePhoneNumberFromString(candidate, defaultCountry)
    if (phone?.isValid()) {
      return { digits: jidDigits(phone.countryCallingCode, phone.nationalNumber), problem: null }
    }
  }
  const length = validatePhoneNumberLength(candidates[0], defaultCountry)
  return { digits: null, problem: (length && PROBLEMS[length]) || 'invalid' }
}

/**
 * toWhatsappDigits() of a phone a person typed in `field`, or the reason it
 * is not one, in their words, with an example of their business's country.
 */
export function whatsappDigitsOrFail(input: string, country: string, field = 'phone') {
  const { digits, problem } = toWhatsappDigits(input, country)
  if (digits) return digits
  const example = isSupportedCountry(country) ? getExampleNumber(country, examples) : undefined
  throw new UserError(`whatsapp.errors.phone.${problem}`, {
    field,
    data: {
      national: example?.formatNational() ?? '55 1234 5678',
      international: example?.formatInternational() ?? '+52 55 1234 5678',
    },
  })
}

/**
 * Every way the phone of these JID digits may be stored (the digits
 * themselves first): with and without Mexico's 1; Argentina's with and
 * without the 9 and the 15; Brazil's with and without the ninth digit.
 */
export function equivalentDigits(digits: string): string[] {
  const forms = [digits, ...otherForms(digits)]
  return [...new Set(forms)]
}

function otherForms(digits: string): string[] {
  const mexican = digits.match(/^521?(\d{10})$/)
  if (mexican) {
    return [`521${mexican[1]}`, `52${mexican[1]}`]
  }

  const brazilian = digits.match(/^55(\d{2})(9?)(\d{8})$/)
  if (brazilian) {
    const [, area, ninth, number] = brazilian
    if (!ninth && isBrazilianLandline(number)) return []
    return [`55${area}9${number}`, `55${area}${number}`]
  }

  const argentine = digits.match(/^54(\d{10,13})$/)
  if (argentine) {
    const mobile = argentineMobile(argentine[1])
    if (!mobile) return []
    const { area, number } = mobile
    return [
      `549${area}${number}`,
      `54${area}${number}`,
      `549${area}15${number}`,
      `54${area}15${number}`,
    ]
  }

  return []
}

/**
 * The area code and number of an Argentine mobile written after 54 in any
 * of its forms ("9 11 1234 5678", "11 1234 5678", "11 15 1234 5678"): the
 * area code's length is in the national format ("011 15-1234-5678").
 */
function argentineMobile(written: string) {
  const phone = parsePhoneNumberFromString(`0${written.replace(/^9/, '')}`, 'AR')
  if (!phone?.isValid()) return null
  const national = phone.nationalNumber.replace(/^9/, '')
  const area = parsePhoneNumberFromString(`+549${national}`)
    ?.formatNational()
    .match(/^0(\d+) 15/)?.[1]
  return area && national.startsWith(area) ? { area, number: national.slice(area.length) } : null
}

function withoutMexicanMobileOne(digits: string) {
  return /^521\d{10}$/.test(digits) ? `52${digits.slice(3)}` : digits
}

function jidDigits(callingCode: string, nationalNumber: string) {
  switch (callingCode) {
    case '52':
      return `521${nationalNumber}`
    case '54':
      return `549${nationalNumber.replace(/^9(?=\d{10}$)/, '')}`
    case '55': {
      const [area, number] = [nationalNumber.slice(0, 2), nationalNumber.slice(2)]
      return number.length === 8 && !isBrazilianLandline(number)
        ? `55${area}9${number}`
        : `55${nationalNumber}`
    }
    default:
      return `${callingCode}${nationalNumber}`
  }
}

/**
 * Eight digits after the area code starting 2-5 are a landline, which never
 * got a ninth digit; any other eight are a mobile from before it.
 */
function isBrazilianLandline(number: string) {
  return /^[2-5]/.test(number)
}

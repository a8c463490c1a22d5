import vine from '@vinejs/vine'
import type { FieldContext } from '@vinejs/vine/types'
import { dictionary } from '@zxcvbn-ts/language-common'

/**
 * Passwords people choose first, in the languages of our shops: the
 * zxcvbn-ts list of the 49,000 most common ones leaked, and a few that
 * list misses in Spanish.
 */
const SPANISH = [
  'contraseña',
  'contrasena',
  'contraseña1',
  'contrasena1',
  'tequiero',
  'teamo123',
  'holahola',
  'hola1234',
  'mexico123',
  'argentina',
  'colombia',
  'colombia1',
  'venezuela',
  'guatemala',
  'peru1234',
  'chile123',
  'mitienda',
  'mitienda1',
  'minegocio',
  'atiende123',
]
let common: Set<string> | undefined

/**
 * Whether a password is a common one, a letter or digit repeated, or a run
 * such as 12345678 or abcdefgh (compared without case).
 */
export function isCommonPassword(password: string) {
  common ??= new Set([...dictionary['passwords-common'], ...SPANISH])
  const value = password.toLowerCase()
  if (common.has(value)) return true
  if (new Set(value).size <= 2) return true
  const codes = [...value].map((character) => character.codePointAt(0)!)
  const steps = new Set(codes.slice(1).map((code, index) => code - codes[index]))
  return steps.size === 1 && [1, -1].includes([...steps][0])
}

export const notCommonPassword = vine.createRule((value: unknown, _, field: FieldContext) => {
  if (typeof value === 'string' && isCommonPassword(value)) {
    field.report('The {{ field }} is too common', 'commonPassword', field)
  }
})

import vine from '@vinejs/vine'
import { wellFormed } from '#validators/well_formed'
import { notCommonPassword } from '#validators/common_password'

const email = () =>
  vine
    .string()
    .trim()
    .maxLength(254)
    .use(wellFormed({ as: 'email' }))
    .email()
    .normalizeEmail({ all_lowercase: true })

export const registerValidator = vine.create({
  name: vine.string().trim().minLength(2).maxLength(120),
  email: email().unique({ table: 'users', column: 'email', caseInsensitive: true }),
  password: vine.string().minLength(8).maxLength(128).use(notCommonPassword()),
})

export const loginValidator = vine.create({
  email: email(),
  password: vine.string().maxLength(128),
})

/**
 * An e-mail as the login reads it: what rate limits count by.
 */
export const loginIdentityValidator = vine.create({ email: email() })

export const resetPasswordValidator = vine.create({
  password: vine.string().minLength(8).maxLength(128).use(notCommonPassword()),
})

export const localeValidator = vine.create({
  locale: vine.enum(['es', 'en']),
})

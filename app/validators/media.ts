import vine from '@vinejs/vine'

/**
 * The business logo. Its bytes are checked when stored (MediaStorage).
 */
export const logoValidator = vine.create({
  logo: vine.file({ size: '5mb' }),
})

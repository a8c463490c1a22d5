import vine from '@vinejs/vine'
import { wellFormed } from '#validators/well_formed'

export const createInstanceValidator = vine.create({
  business_id: vine.string().trim(),
})

export const sendMessageValidator = vine.create({
  phone: vine.string().trim().maxLength(32),
  message: vine.string().trim().minLength(1).maxLength(4096),
  mediaUrl: vine
    .string()
    .trim()
    .maxLength(2000)
    .use(wellFormed({ as: 'url' }))
    .url({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
    .optional(),
})

export const simulatorMessageValidator = vine.create({
  phone: vine.string().trim().maxLength(32),
  name: vine.string().trim().maxLength(80).optional(),
  text: vine.string().trim().minLength(1).maxLength(4096),
})

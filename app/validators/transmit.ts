import vine from '@vinejs/vine'

/**
 * What the live-events client sends to (un)subscribe: the id of its open
 * stream and a channel name (start/routes.ts checks it before Transmit
 * reads them).
 */
export const transmitSubscriptionValidator = vine.create({
  uid: vine.string().minLength(1).maxLength(100),
  channel: vine.string().minLength(1).maxLength(200),
})

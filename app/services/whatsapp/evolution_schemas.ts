import vine from '@vinejs/vine'

/**
 * Shapes of what the Evolution API (v2) sends and answers, validated before
 * use: a field missing or of the wrong type is an invalid payload, never a
 * crash further down. Unknown fields are allowed (the gateway adds some).
 */

/**
 * JIDs are stored in 120 characters (contacts.wa_jid, contacts.lid).
 */
const key = vine
  .object({
    remoteJid: vine.string().maxLength(120),
    remoteJidAlt: vine.string().maxLength(120).optional(),
    fromMe: vine.boolean(),
    id: vine.string().minLength(1).maxLength(128),
    participant: vine.string().maxLength(200).optional(),
  })
  .allowUnknownProperties()

const storedMessage = vine
  .object({
    key,
    pushName: vine.string().maxLength(200).nullable().optional(),
    status: vine.string().maxLength(40).nullable().optional(),
    message: vine.object({}).allowUnknownProperties().nullable().optional(),
    messageType: vine.string().maxLength(60).optional(),
    messageTimestamp: vine.number().optional(),
    /**
     * A reply's quoted message (stanzaId, quotedMessage).
     */
    contextInfo: vine.object({}).allowUnknownProperties().nullable().optional(),
  })
  .allowUnknownProperties()

export const envelopeValidator = vine.create(
  vine
    .object({
      event: vine.string().maxLength(60),
      instance: vine.string().minLength(1).maxLength(100),
      data: vine.any(),
    })
    .allowUnknownProperties()
)

export const storedMessageValidator = vine.create(storedMessage)

/**
 * messages.delete: the deleted message's key.
 */
export const deletedKeyValidator = vine.create(
  vine
    .object({
      remoteJid: vine.string().maxLength(200).nullable().optional(),
      fromMe: vine.boolean().nullable().optional(),
      id: vine.string().minLength(1).maxLength(128),
    })
    .allowUnknownProperties()
)

/**
 * contacts.upsert / contacts.update, always as a list here.
 */
export const contactsValidator = vine.create(
  vine.object({
    contacts: vine.array(
      vine
        .object({
          remoteJid: vine.string().maxLength(120),
          pushName: vine.string().maxLength(500).nullable().optional(),
          profilePicUrl: vine.string().maxLength(2000).nullable().optional(),
        })
        .allowUnknownProperties()
    ),
  })
)

export const messageUpdateValidator = vine.create(
  vine
    .object({
      keyId: vine.string().minLength(1).maxLength(128),
      remoteJid: vine.string().maxLength(200).optional(),
      fromMe: vine.boolean().optional(),
      status: vine.string().maxLength(40),
    })
    .allowUnknownProperties()
)

export const connectionUpdateValidator = vine.create(
  vine
    .object({
      state: vine.string().maxLength(40),
      wuid: vine.string().maxLength(200).nullable().optional(),
      profileName: vine.string().maxLength(200).nullable().optional(),
      statusReason: vine.number().nullable().optional(),
    })
    .allowUnknownProperties()
)

/**
 * Without `qrcode` when the QR limit is reached (then `message` says so).
 */
export const qrcodeUpdateValidator = vine.create(
  vine
    .object({
      qrcode: vine
        .object({
          base64: vine.string().maxLength(200_000),
          pairingCode: vine.string().maxLength(40).nullable().optional(),
        })
        .allowUnknownProperties()
        .nullable()
        .optional(),
      message: vine.string().optional(),
    })
    .allowUnknownProperties()
)

export const qrAnswerValidator = vine.create(
  vine
    .object({
      base64: vine.string().maxLength(200_000).nullable().optional(),
      code: vine.string().maxLength(2000).nullable().optional(),
      pairingCode: vine.string().maxLength(40).nullable().optional(),
      count: vine.number().optional(),
      error: vine.boolean().optional(),
      message: vine.string().optional(),
      instance: vine
        .object({ state: vine.string().maxLength(40) })
        .allowUnknownProperties()
        .optional(),
    })
    .allowUnknownProperties()
)

export const createAnswerValidator = vine.create(
  vine
    .object({
      instance: vine
        .object({ instanceName: vine.string(), status: vine.string().optional() })
        .allowUnknownProperties(),
      hash: vine.string().optional(),
      qrcode: vine
        .object({
          base64: vine.string().maxLength(200_000).nullable().optional(),
          pairingCode: vine.string().maxLength(40).nullable().optional(),
        })
        .allowUnknownProperties()
        .nullable()
        .optional(),
    })
    .allowUnknownProperties()
)

export const connectionStateAnswerValidator = vine.create(
  vine
    .object({
      instance: vine.object({ state: vine.string().maxLength(40) }).allowUnknownProperties(),
    })
    .allowUnknownProperties()
)

export const sendAnswerValidator = vine.create(
  vine
    .object({
      key: vine.object({ id: vine.string().minLength(1).maxLength(128) }).allowUnknownProperties(),
      status: vine.string().maxLength(40).optional(),
    })
    .allowUnknownProperties()
)

export const mediaAnswerValidator = vine.create(
  vine
    .object({
      base64: vine.string(),
      mimetype: vine.string().maxLength(100).nullable().optional(),
      fileName: vine.string().maxLength(255).nullable().optional(),
    })
    .allowUnknownProperties()
)

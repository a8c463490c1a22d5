import vine from '@vinejs/vine'

export const thinkValidator = vine.create({
  business_id: vine.string().trim(),
  user_message: vine.string().trim().minLength(1).maxLength(4096),
  phone: vine.string().trim().maxLength(32),
  dry_run: vine.boolean().optional(),
})

export const playgroundValidator = vine.create({
  messages: vine
    .array(
      vine.object({
        role: vine.enum(['customer', 'business']),
        /**
         * A photo may come without a caption.
         */
        text: vine.string().trim().maxLength(4096).optional(),
        media: vine.enum(['photo', 'voice_note']).optional(),
        match: vine
          .object({ productId: vine.string().uuid(), confidence: vine.enum(['match', 'near']) })
          .optional(),
      })
    )
    .minLength(1)
    .maxLength(40),
})

export const botSettingsValidator = vine.create({
  replyDelaySeconds: vine.number().withoutDecimals().min(0).max(60),
  takeoverMinutes: vine
    .number()
    .withoutDecimals()
    .min(1)
    .max(7 * 24 * 60),
  monthlyBudgetUsd: vine
    .string()
    .trim()
    .regex(/^\d{1,8}(\.\d{1,2})?$/)
    .nullable()
    .optional(),
})

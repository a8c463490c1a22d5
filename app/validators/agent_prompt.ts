import vine from '@vinejs/vine'

export const PROMPT_MIN_LENGTH = 20
export const PROMPT_MAX_LENGTH = 20_000

/**
 * The master prompt as typed, with its line breaks made "\n".
 */
const prompt = () =>
  vine
    .string()
    .trim()
    .minLength(PROMPT_MIN_LENGTH)
    .maxLength(PROMPT_MAX_LENGTH)
    .transform((value) => value.replace(/\r\n?/g, '\n'))

export const createPromptValidator = vine.create({
  business_id: vine.string(),
  prompt: prompt(),
})

export const updatePromptValidator = vine.create({
  prompt: prompt(),
})

export const promptQueryValidator = vine.create({
  business_id: vine.string(),
})

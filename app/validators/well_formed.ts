import vine from '@vinejs/vine'
import type { FieldContext } from '@vinejs/vine/types'

/**
 * Text with a lone UTF-16 surrogate (no browser sends one; a crafted body
 * can) is refused before the email and URL checks, which would throw on
 * it. It is reported as that check's own error: to the person, it is not
 * a valid email (or URL).
 */
export const wellFormed = vine.createRule(
  (value: unknown, options: { as: 'email' | 'url' }, field: FieldContext) => {
    if (typeof value === 'string' && !value.isWellFormed()) {
      field.report('The {{ field }} field must be a valid value', options.as, field)
    }
  }
)

import type Business from '#models/business'
import BusinessMember from '#models/business_member'
import { createUser } from '#tests/helpers/factories'

/**
 * A person who works in the business without owning it (role "agent").
 */
export async function createAgentMember(business: Business) {
  const user = await createUser()
  await BusinessMember.create({ businessId: business.id, userId: user.id, role: 'agent' })
  return user
}

/**
 * Monday to Friday 9–18, Saturday 10–14, Sunday closed.
 */
export const SHOP_HOURS = {
  monday: [{ open: '09:00', close: '18:00' }],
  tuesday: [{ open: '09:00', close: '18:00' }],
  wednesday: [{ open: '09:00', close: '18:00' }],
  thursday: [{ open: '09:00', close: '18:00' }],
  friday: [{ open: '09:00', close: '18:00' }],
  saturday: [{ open: '10:00', close: '14:00' }],
}

export const SHOP_HOURS_TEXT =
  'Lunes a viernes de 9:00 a 18:00; sábado de 10:00 a 14:00; domingo cerrado'

/**
 * The `{ field: message }` pairs of a 422 answer.
 */
export function fieldErrors(body: { errors: { field?: string; message: string }[] }) {
  return Object.fromEntries(body.errors.map((error) => [error.field, error.message]))
}

import User from '#models/user'
import CreateBusiness from '#actions/businesses/create_business'

let sequence = 0

/**
 * A user with a unique e-mail. The password is "secreta123" unless given.
 */
export async function createUser(
  overrides: Partial<{ fullName: string; email: string; password: string; locale: string }> = {}
) {
  sequence += 1
  return User.create({
    fullName: overrides.fullName ?? `Persona ${sequence}`,
    email: overrides.email ?? `persona-${Date.now()}-${sequence}@example.com`,
    password: overrides.password ?? 'secreta123',
    locale: overrides.locale ?? 'es',
  })
}

export async function createOwnerWithBusiness(name = 'Tienda de prueba') {
  const user = await createUser()
  const business = await new CreateBusiness().handle({ owner: user, name })
  return { user, business }
}

export async function tokenFor(user: User) {
  const token = await User.accessTokens.create(user)
  return token.value!.release()
}

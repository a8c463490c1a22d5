import db from '@adonisjs/lucid/services/db'
import User from '#models/user'

export type RegisterUserParams = {
  name: string
  email: string
  password: string
  locale?: string
}

/**
 * Creates an account. The password is hashed by the model (AuthFinder).
 */
export default class RegisterUser {
  async handle(params: RegisterUserParams) {
    return db.transaction(async (trx) => {
      return User.create(
        {
          fullName: params.name,
          email: params.email.toLowerCase(),
          password: params.password,
          locale: params.locale === 'en' ? 'en' : 'es',
        },
        { client: trx }
      )
    })
  }
}

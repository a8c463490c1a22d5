import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { errors as vineErrors } from '@vinejs/vine'

/**
 * Creates an account (and optionally its first business) from the shell:
 * the first admin of a fresh install, or support work.
 */
export default class UserCreate extends BaseCommand {
  static commandName = 'user:create'
  static description = 'Create a user account (and optionally a business it owns)'
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'E-mail of the account' })
  declare email?: string

  @flags.string({ description: 'Full name' })
  declare name?: string

  @flags.string({ description: 'Password (asked for when omitted)' })
  declare password?: string

  @flags.string({ description: 'Create a business with this name, owned by the user' })
  declare business?: string

  async run() {
    /**
     * Imported here: validators use rules registered when the app starts.
     */
    const { registerValidator } = await import('#validators/auth')
    const email = this.email ?? (await this.prompt.ask('E-mail'))
    const name = this.name ?? (await this.prompt.ask('Full name'))
    const password = this.password ?? (await this.prompt.secure('Password (8+ characters)'))

    let payload
    try {
      payload = await registerValidator.validate({ email, name, password })
    } catch (error) {
      if (error instanceof vineErrors.E_VALIDATION_ERROR) {
        for (const message of error.messages as { field: string; message: string }[]) {
          this.logger.error(`${message.field}: ${message.message}`)
        }
        this.exitCode = 1
        return
      }
      throw error
    }

    const { default: RegisterUser } = await import('#actions/auth/register_user')
    const user = await new RegisterUser().handle(payload)
    this.logger.success(`Created user ${user.email} (${user.id})`)

    if (this.business) {
      const { default: CreateBusiness } = await import('#actions/businesses/create_business')
      const business = await new CreateBusiness().handle({ owner: user, name: this.business })
      this.logger.success(`Created business "${business.name}" (${business.id})`)
    }
  }
}

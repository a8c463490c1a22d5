import { args, BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { errors as vineErrors } from '@vinejs/vine'

/**
 * Sets a new password for an account and ends its web sessions and API
 * tokens.
 */
export default class UserResetPassword extends BaseCommand {
  static commandName = 'user:reset-password'
  static description = 'Set a new password for a user and end their sessions and API tokens'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'E-mail of the account' })
  declare email: string

  @flags.string({ description: 'New password (asked for when omitted)' })
  declare password?: string

  async run() {
    /**
     * Imported here: validators use rules registered when the app starts.
     */
    const { resetPasswordValidator } = await import('#validators/auth')
    const { default: User } = await import('#models/user')
    const user = await User.findBy('email', this.email.trim().toLowerCase())
    if (!user) {
      this.logger.error(`No user with e-mail ${this.email}`)
      this.exitCode = 1
      return
    }

    const password: string =
      this.password ?? (await this.prompt.secure('New password (8+ characters)'))
    try {
      await resetPasswordValidator.validate({ password })
    } catch (error) {
      if (error instanceof vineErrors.E_VALIDATION_ERROR) {
        this.logger.error((error.messages as { message: string }[])[0].message)
        this.exitCode = 1
        return
      }
      throw error
    }

    user.password = password
    await user.save()

    const { userSessions } = await import('#services/user_sessions')
    const ended = await userSessions.endAll(user)
    this.logger.success(
      `Password updated for ${user.email}; ${ended.sessions} web session(s) ended, ${ended.tokens} API token(s) revoked`
    )
  }
}

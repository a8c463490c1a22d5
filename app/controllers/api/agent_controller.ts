import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import Think from '#actions/agent/think'
import { thinkValidator } from '#validators/agent'

export default class AgentController {
  /**
   * POST /agent/think {business_id, user_message, phone, dry_run?}
   */
  @inject()
  async think({ auth, request }: HttpContext, think: Think) {
    const payload = await request.validateUsing(thinkValidator)
    const business = await auth.getUserOrFail().findBusinessOrFail(payload.business_id)
    return think.handle({
      business,
      phone: payload.phone,
      text: payload.user_message,
      dryRun: payload.dry_run ?? false,
    })
  }
}

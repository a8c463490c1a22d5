import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import Think from '#actions/agent/think'
import { thinkValidator } from '#validators/agent'
import BusinessPolicy from '#policies/business_policy'
import UserError from '#exceptions/user_error'
import { AgentUsage } from '#services/agent/agent_usage'

export default class AgentController {
  /**
   * POST /agent/think {business_id, user_message, phone, dry_run?}
   */
  @inject()
  async think({ auth, request, bouncer }: HttpContext, think: Think, usage: AgentUsage) {
    const payload = await request.validateUsing(thinkValidator)
    const business = await auth.getUserOrFail().findBusinessOrFail(payload.business_id)
    await bouncer.with(BusinessPolicy).authorize('useAgentApi', business)
    if (await usage.budgetReached(business)) {
      throw new UserError('agent_ui.errors.budget_reached', { status: 409 })
    }
    return think.handle({
      business,
      phone: payload.phone,
      text: payload.user_message,
      dryRun: payload.dry_run ?? false,
    })
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import { errors } from '@adonisjs/lucid'
import AgentPrompt from '#models/agent_prompt'
import { isUuid } from '#models/user'
import SavePromptVersion from '#actions/knowledge/save_prompt_version'
import BusinessPolicy from '#policies/business_policy'
import PromptHistoryTransformer from '#transformers/prompt_history_transformer'
import { loadPromptHistory } from '#services/prompt_history'
import {
  createPromptValidator,
  promptQueryValidator,
  updatePromptValidator,
} from '#validators/agent_prompt'

/**
 * The agent's master prompt: every save is a new version, the latest is
 * the one the agent follows. Each answer is the whole history.
 */
export default class AgentPromptsController {
  async show({ auth, request, bouncer, serialize }: HttpContext) {
    const { business_id: businessId } = await request.validateUsing(promptQueryValidator, {
      data: request.qs(),
    })
    const business = await auth.getUserOrFail().findBusinessOrFail(businessId)
    await bouncer.with(BusinessPolicy).authorize('view', business)
    return serialize(PromptHistoryTransformer.transform(await loadPromptHistory(business)))
  }

  @inject()
  async store(
    { auth, request, response, bouncer, serialize }: HttpContext,
    savePromptVersion: SavePromptVersion
  ) {
    const user = auth.getUserOrFail()
    const { business_id: businessId, prompt } = await request.validateUsing(createPromptValidator)
    const business = await user.findBusinessOrFail(businessId)
    await bouncer.with(BusinessPolicy).authorize('manage', business)

    await savePromptVersion.handle({ business, author: user, content: prompt })
    response.status(201)
    return serialize(PromptHistoryTransformer.transform(await loadPromptHistory(business)))
  }

  /**
   * `:id` is any version of the business: the new text becomes the next
   * version.
   */
  @inject()
  async update(
    { auth, params, request, bouncer, serialize }: HttpContext,
    savePromptVersion: SavePromptVersion
  ) {
    const user = auth.getUserOrFail()
    if (!isUuid(params.id)) {
      throw new errors.E_ROW_NOT_FOUND()
    }
    const { businessId } = await AgentPrompt.query()
      .withScopes((scopes) => scopes.ofMember(user))
      .where('id', params.id)
      .firstOrFail()
    const business = await user.findBusinessOrFail(businessId)
    await bouncer.with(BusinessPolicy).authorize('manage', business)

    const { prompt } = await request.validateUsing(updatePromptValidator)
    await savePromptVersion.handle({ business, author: user, content: prompt })
    return serialize(PromptHistoryTransformer.transform(await loadPromptHistory(business)))
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import { errors } from '@adonisjs/lucid'
import { isUuid } from '#models/user'
import SavePromptVersion from '#actions/knowledge/save_prompt_version'
import BusinessPolicy from '#policies/business_policy'
import BusinessTransformer from '#transformers/business_transformer'
import AgentPromptTransformer from '#transformers/agent_prompt_transformer'
import PromptHistoryTransformer from '#transformers/prompt_history_transformer'
import { loadPromptHistory } from '#services/prompt_history'
import {
  PROMPT_MAX_LENGTH,
  PROMPT_MIN_LENGTH,
  updatePromptValidator,
} from '#validators/agent_prompt'

/**
 * Versions are PostgreSQL integers.
 */
const MAX_VERSION = 2_147_483_647

/**
 * The prompt editor: the current master prompt, its versions (one of them
 * open to read or compare, `?version=N`) and restore.
 */
export default class PromptController {
  async show({ inertia, business, request, bouncer }: HttpContext) {
    await bouncer.with(BusinessPolicy).authorize('view', business)
    const history = await loadPromptHistory(business)

    const versionNumber = Number(request.qs().version)
    const selected =
      Number.isInteger(versionNumber) && versionNumber >= 1 && versionNumber <= MAX_VERSION
        ? await business
            .related('agentPrompts')
            .query()
            .where('version', versionNumber)
            .preload('author')
            .first()
        : null

    return inertia.render('knowledge/prompt', {
      business: BusinessTransformer.transform(business),
      prompt: PromptHistoryTransformer.transform(history),
      selectedVersion: selected ? AgentPromptTransformer.transform(selected) : null,
      limits: { min: PROMPT_MIN_LENGTH, max: PROMPT_MAX_LENGTH },
    })
  }

  @inject()
  async store(
    { request, response, auth, business, bouncer, session, i18n }: HttpContext,
    savePromptVersion: SavePromptVersion
  ) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const { prompt } = await request.validateUsing(updatePromptValidator)
    const saved = await savePromptVersion.handle({
      business,
      author: auth.getUserOrFail(),
      content: prompt,
    })
    session.flash('success', i18n.t('knowledge.prompt.saved', { version: saved.version }))
    return response.redirect().toRoute('knowledge.prompt')
  }

  @inject()
  async restore(
    { params, response, auth, business, bouncer, session, i18n }: HttpContext,
    savePromptVersion: SavePromptVersion
  ) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    if (!isUuid(params.id)) {
      throw new errors.E_ROW_NOT_FOUND()
    }
    const old = await business.related('agentPrompts').query().where('id', params.id).firstOrFail()
    const saved = await savePromptVersion.handle({
      business,
      author: auth.getUserOrFail(),
      content: old.content,
      restoredFrom: old,
    })
    session.flash(
      'success',
      i18n.t('knowledge.prompt.restored', { version: old.version, newVersion: saved.version })
    )
    return response.redirect().toRoute('knowledge.prompt')
  }
}

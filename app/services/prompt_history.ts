import db from '@adonisjs/lucid/services/db'
import type AgentPrompt from '#models/agent_prompt'
import type Business from '#models/business'

export type PromptHistory = {
  /**
   * The version the agent follows, with its full text.
   */
  current: AgentPrompt
  /**
   * Every version, newest first, without their full text
   * (`$extras.preview` holds the beginning of each).
   */
  versions: AgentPrompt[]
}

/**
 * A business's master prompt and its saved versions, authors loaded.
 * Every business has one from its creation (Atiende's default); a
 * missing one is a 404 like any missing row.
 */
export async function loadPromptHistory(business: Business): Promise<PromptHistory> {
  const current = await business
    .related('agentPrompts')
    .query()
    .preload('author')
    .withScopes((scopes) => scopes.newestFirst())
    .firstOrFail()

  const versions = await business
    .related('agentPrompts')
    .query()
    .select('id', 'version', 'author_id', 'source', 'restored_from_version', 'business_id')
    .select('created_at', db.raw('left(content, 400) as preview'))
    .preload('author')
    .withScopes((scopes) => scopes.newestFirst())

  return { current, versions }
}

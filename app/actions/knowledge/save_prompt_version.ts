import db from '@adonisjs/lucid/services/db'
import Business from '#models/business'
import type AgentPrompt from '#models/agent_prompt'
import type User from '#models/user'
import UserError from '#exceptions/user_error'

export type SavePromptVersionParams = {
  business: Business
  author: User
  content: string
  /**
   * The earlier version whose text is being brought back, if any.
   */
  restoredFrom?: AgentPrompt
}

/**
 * Adds a version of a business's master prompt: the next number, who
 * saved it and, for a restore, which version it copies. A text equal to
 * the current version is refused: it would be a version with no change.
 */
export default class SavePromptVersion {
  async handle({ business, author, content, restoredFrom }: SavePromptVersionParams) {
    return db.transaction(async (trx) => {
      /**
       * One save at a time per business, so two saves never race for the
       * same version number.
       */
      await Business.query({ client: trx }).where('id', business.id).forUpdate().firstOrFail()

      business.useTransaction(trx)
      const current = await business
        .related('agentPrompts')
        .query()
        .withScopes((scopes) => scopes.newestFirst())
        .first()

      if (current && current.content === content) {
        throw new UserError(
          restoredFrom
            ? 'knowledge.prompt.errors.restore_unchanged'
            : 'knowledge.prompt.errors.unchanged',
          { field: restoredFrom ? undefined : 'prompt' }
        )
      }

      const version = await business.related('agentPrompts').create({
        version: (current?.version ?? 0) + 1,
        content,
        authorId: author.id,
        source: restoredFrom ? 'restore' : 'edit',
        restoredFromVersion: restoredFrom?.version ?? null,
      })
      version.$setRelated('author', author)
      return version
    })
  }
}

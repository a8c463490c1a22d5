import { BaseTransformer } from '@adonisjs/core/transformers'
import type AgentPrompt from '#models/agent_prompt'

/**
 * Who wrote a version: a person, or null for Atiende's default.
 */
export function promptAuthor(version: AgentPrompt) {
  return version.author ? { id: version.author.id, name: version.author.fullName } : null
}

/**
 * One version of a master prompt with its full text. Expects `author`
 * to be loaded.
 */
export default class AgentPromptTransformer extends BaseTransformer<AgentPrompt> {
  toObject() {
    const version = this.resource
    return {
      id: version.id,
      version: version.version,
      prompt: version.content,
      createdAt: version.createdAt.toISO()!,
      author: promptAuthor(version),
      source: version.source,
      restoredFromVersion: version.restoredFromVersion,
    }
  }
}

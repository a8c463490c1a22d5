import { BaseTransformer } from '@adonisjs/core/transformers'
import type AgentPrompt from '#models/agent_prompt'
import type { PromptHistory } from '#services/prompt_history'
import { promptAuthor } from '#transformers/agent_prompt_transformer'

const PREVIEW_LENGTH = 140

/**
 * The current master prompt (full text) and every version, newest first,
 * each with a one-line preview.
 */
export default class PromptHistoryTransformer extends BaseTransformer<PromptHistory> {
  toObject() {
    const { current, versions } = this.resource
    return {
      id: current.id,
      prompt: current.content,
      version: current.version,
      createdAt: current.createdAt.toISO()!,
      author: promptAuthor(current),
      source: current.source,
      restoredFromVersion: current.restoredFromVersion,
      versions: versions.map((version) => ({
        id: version.id,
        version: version.version,
        createdAt: version.createdAt.toISO()!,
        author: promptAuthor(version),
        source: version.source,
        restoredFromVersion: version.restoredFromVersion,
        isCurrent: version.id === current.id,
        preview: preview(version),
      })),
    }
  }
}

function preview(version: AgentPrompt) {
  const text = String(version.$extras.preview ?? version.content ?? '')
    .replace(/\s+/g, ' ')
    .trim()
  return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 1).trimEnd()}…` : text
}

import { ToolMessage, type AIMessage, type BaseMessage } from '@langchain/core/messages'
import agentConfig from '#config/agent'
import type Business from '#models/business'
import { AgentModel, type ModelUsage } from '#services/agent/agent_model'
import {
  AGENT_TOOLS,
  AgentTools,
  type ToolCallRecord,
  type ToolContext,
} from '#services/agent/agent_tools'
import { inject } from '@adonisjs/core'

export type TurnResult = {
  reply: string
  toolCalls: ToolCallRecord[]
  usage: ModelUsage
  modelCalls: number
  latencyMs: number
}

/**
 * One turn of the agent: the model answers, calling tools for at most
 * `maxToolRounds` rounds, `maxToolCallsPerRound` calls a round and
 * `maxToolCallsPerTurn` in all (calls past a limit are answered "limit
 * reached" without running); after that it must answer without tools.
 */
@inject()
export class AgentTurn {
  constructor(
    private model: AgentModel,
    private tools: AgentTools
  ) {}

  async run(
    business: Business,
    messages: BaseMessage[],
    context: ToolContext,
    options: { signal?: AbortSignal } = {}
  ): Promise<TurnResult> {
    const started = performance.now()
    const conversation = [...messages]
    const toolCalls: ToolCallRecord[] = []
    const usage: ModelUsage = { promptTokens: 0, completionTokens: 0 }
    let modelCalls = 0

    for (let round = 0; ; round++) {
      const allowTools =
        round < agentConfig.maxToolRounds && toolCalls.length < agentConfig.maxToolCallsPerTurn
      const { message, usage: callUsage } = await this.model.complete(
        business,
        conversation,
        allowTools ? AGENT_TOOLS : null,
        { signal: options.signal }
      )
      modelCalls += 1
      usage.promptTokens += callUsage.promptTokens
      usage.completionTokens += callUsage.completionTokens

      const calls = allowTools ? (message.tool_calls ?? []) : []
      if (calls.length === 0) {
        return {
          reply: textOf(message),
          toolCalls,
          usage,
          modelCalls,
          latencyMs: Math.round(performance.now() - started),
        }
      }

      conversation.push(message)
      for (const [index, call] of calls.entries()) {
        /**
         * Every call is answered (the provider requires it), those past a
         * limit without running.
         */
        const overLimit =
          index >= agentConfig.maxToolCallsPerRound ||
          toolCalls.length >= agentConfig.maxToolCallsPerTurn
        const result = overLimit
          ? { error: 'Tool call limit reached: answer the customer with what you have' }
          : await this.tools.execute(call.name, call.args, context)
        toolCalls.push({ name: call.name, arguments: call.args, result })
        conversation.push(
          new ToolMessage({ tool_call_id: call.id ?? call.name, content: JSON.stringify(result) })
        )
      }
    }
  }
}

function textOf(message: AIMessage) {
  if (typeof message.content === 'string') return message.content.trim()
  return message.content
    .map((part) => (typeof part === 'string' ? part : 'text' in part ? String(part.text) : ''))
    .join('')
    .trim()
}

/**
 * A reply as WhatsApp messages: split on blank lines, at most
 * `maxReplyParts` (the rest joins the last one).
 */
export function splitReply(reply: string) {
  const parts = reply
    .split(/\n\s*\n/)
    .map((part) => part.trim())
    .filter(Boolean)
  if (parts.length <= agentConfig.maxReplyParts) return parts
  const head = parts.slice(0, agentConfig.maxReplyParts - 1)
  return [...head, parts.slice(agentConfig.maxReplyParts - 1).join('\n\n')]
}

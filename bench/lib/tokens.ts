import { encode } from 'gpt-tokenizer/encoding/o200k_base'
import type { ChatRequest } from '#tests/helpers/fake_openai'

/**
 * Tokens of text in o200k_base, the encoding of the gpt-4.1 and gpt-4o
 * families.
 */
export function tokensOf(text: string) {
  return encode(text).length
}

/**
 * The prompt tokens of a chat completion request as a model counts them,
 * near enough: each message's role and content (and tool calls) plus 3
 * tokens of framing, the tools' definitions as their JSON, and 3 tokens
 * priming the reply.
 */
export function requestTokens(request: Pick<ChatRequest, 'messages' | 'tools'>) {
  let tokens = 3
  for (const message of request.messages) {
    tokens += 3 + tokensOf(message.role)
    if (typeof message.content === 'string') {
      tokens += tokensOf(message.content)
    } else if (Array.isArray(message.content)) {
      tokens += tokensOf(message.content.map((part: { text?: string }) => part.text ?? '').join(''))
    }
    if (message.tool_calls) tokens += tokensOf(JSON.stringify(message.tool_calls))
  }
  if (request.tools) tokens += tokensOf(JSON.stringify(request.tools))
  return tokens
}

/**
 * What an Anthropic Messages request says, read once for both POST /v1/messages
 * and POST /v1/messages/count_tokens so the two count the same input tokens.
 *
 * Validation errors are worded as the API words them ("max_tokens: Field
 * required"); they are rendered in Anthropic's shape by the route's dialect.
 *
 * Input tokens follow generation.ts: ceil(characters / 4), minimum 1, over the
 * system prompt and the text of every message: its string content, its text
 * blocks and the content of its tool_result blocks. Tool definitions, tool_use
 * inputs, images and thinking blocks count nothing.
 */

import { anthropicError } from './anthropic-errors.js';
import { type ReplyPrompt, countPromptTokens } from './generation.js';
import { type HttpError, isRecord } from './http-util.js';
import { type ToolSpec, pickTool } from './tool-calls.js';

export interface MessagesInput {
  model: string;
  inputTokens: number;
  /** What decides the reply; its limit is left to the caller (count_tokens takes no max_tokens). */
  prompt: Omit<ReplyPrompt, 'limit'>;
}

export function fieldRequired(field: string): HttpError {
  return anthropicError(400, `${field}: Field required`);
}

function invalid(field: string, expected: string): HttpError {
  return anthropicError(400, `${field}: Input should be ${expected}`);
}

export function readMessagesInput(body: Record<string, unknown>): MessagesInput {
  const model = body.model;
  if (model === undefined || model === null) throw fieldRequired('model');
  if (typeof model !== 'string' || model === '') throw invalid('model', 'a valid string');
  const texts = [systemText(body.system)];
  const messages = body.messages;
  if (messages === undefined || messages === null) throw fieldRequired('messages');
  if (!Array.isArray(messages)) throw invalid('messages', 'a valid list');
  if (messages.length === 0) throw anthropicError(400, 'messages: at least one message is required');
  let lastUserText = '';
  let toolOutput: string | undefined;
  for (const [i, message] of messages.entries()) {
    if (!isRecord(message)) throw invalid(`messages.${i}`, 'a valid dictionary');
    // "system" mid-conversation: the beta (mid-conversation-system-2026-04-07) Claude Code 2.1 sends.
    if (message.role !== 'user' && message.role !== 'assistant' && message.role !== 'system') {
      throw invalid(`messages.${i}.role`, "'user', 'assistant' or 'system'");
    }
    const blocks = contentBlocks(message.content, `messages.${i}.content`);
    const text = blocks.filter((b) => b.type === 'text').map((b) => b.text);
    const results = blocks.filter((b) => b.type === 'tool_result').map((b) => b.text);
    texts.push(...text, ...results);
    // A user turn that only carries tool results plays the part of OpenAI's role "tool".
    if (message.role === 'user' && text.length > 0) lastUserText = text.join('');
    toolOutput = message.role === 'user' ? results.at(-1) : undefined;
  }
  return {
    model,
    inputTokens: countPromptTokens(texts),
    prompt: { lastUserText, tool: pickTool(readTools(body.tools), toolChoice(body.tool_choice) ?? shellFirst(body.tools)), toolOutput },
  };
}

interface Block {
  type: string;
  /** A text block's text, or the text of a tool_result's content; "" for others. */
  text: string;
}

/** `content` is a string (one text block) or a list of blocks, each an object with a `type`. */
function contentBlocks(content: unknown, field: string): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (content === undefined || content === null) throw fieldRequired(field);
  if (!Array.isArray(content)) throw invalid(field, 'a valid list');
  return content.map((block, i) => {
    if (!isRecord(block) || typeof block.type !== 'string') throw fieldRequired(`${field}.${i}.type`);
    if (block.type === 'text') return { type: 'text', text: typeof block.text === 'string' ? block.text : '' };
    if (block.type === 'tool_result') return { type: 'tool_result', text: textOfBlocks(block.content) };
    return { type: block.type, text: '' };
  });
}

/** A system prompt or a tool_result's content: a string, or text blocks. */
function textOfBlocks(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b) => (isRecord(b) && b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('');
}

function systemText(system: unknown): string {
  if (system === undefined || system === null) return '';
  if (typeof system !== 'string' && !Array.isArray(system)) throw invalid('system', 'a valid string');
  return textOfBlocks(system);
}

/**
 * Custom tools `{name, description, input_schema}` (type absent or "custom");
 * Anthropic's own tools (web_search_…, bash_…, text_editor_…) have built-in
 * schemas the mock does not know, so it never calls them.
 */
function readTools(tools: unknown): ToolSpec[] {
  if (!Array.isArray(tools)) return [];
  const found: ToolSpec[] = [];
  for (const tool of tools) {
    if (!isRecord(tool) || (tool.type !== undefined && tool.type !== 'custom')) continue;
    if (typeof tool.name === 'string' && tool.name !== '') found.push({ name: tool.name, parameters: tool.input_schema });
  }
  return found;
}

/**
 * Claude Code offers a few dozen tools, its shell ("Bash") among them: left to choose, the
 * mock calls that one (with a harmless command, tool-calls.ts), so that a real Claude Code
 * runs one tool and answers; any other client's first tool otherwise.
 */
function shellFirst(tools: unknown): { name: string } | undefined {
  return Array.isArray(tools) && tools.some((t) => isRecord(t) && t.name === 'Bash') ? { name: 'Bash' } : undefined;
}

/** Anthropic's `{type:"none"}` / `{type:"tool", name}` in the terms of tool-calls.ts pickTool; auto and any call the first tool. */
function toolChoice(choice: unknown): unknown {
  if (!isRecord(choice)) return undefined;
  if (choice.type === 'none') return 'none';
  if (choice.type === 'tool') return { name: choice.name };
  return undefined;
}

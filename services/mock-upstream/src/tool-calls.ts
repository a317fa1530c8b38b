/**
 * Which tool the mock calls and with what arguments (model option "tools").
 *
 * The arguments must make sense to the client that runs the tool: the Codex
 * CLI and Claude Code execute a shell tool's command and send its output back,
 * so their shell tools get a harmless command; any other tool gets placeholder values for the
 * required parameters of its JSON schema.
 */

import { isRecord } from './http-util.js';

/** A function tool as either API declares it, reduced to what the mock needs. */
export interface ToolSpec {
  name: string;
  /** The tool's JSON schema. */
  parameters: unknown;
}

export const HARMLESS_COMMAND = 'echo mock-tool-ok';

// By tool name, as the Codex CLI has offered its shell over its versions, and Claude Code's.
const KNOWN_ARGUMENTS: Readonly<Record<string, Record<string, unknown>>> = {
  exec_command: { cmd: HARMLESS_COMMAND },
  shell_command: { command: HARMLESS_COMMAND },
  shell: { command: ['bash', '-lc', HARMLESS_COMMAND] },
  update_plan: { plan: [{ step: `Run ${HARMLESS_COMMAND}`, status: 'completed' }] },
  Bash: { command: HARMLESS_COMMAND, description: 'Run the mock command' },
};

// Schemas come from the client; nesting deeper than this gets an empty object.
const MAX_SCHEMA_DEPTH = 8;

/**
 * The function tools of a request, in order. Responses declares
 * `{type:"function", name, parameters}`, Chat Completions
 * `{type:"function", function:{name, parameters}}`; other tool types are skipped.
 */
export function readFunctionTools(tools: unknown): ToolSpec[] {
  if (!Array.isArray(tools)) return [];
  const found: ToolSpec[] = [];
  for (const tool of tools) {
    if (!isRecord(tool) || tool.type !== 'function') continue;
    const declared = isRecord(tool.function) ? tool.function : tool;
    if (typeof declared.name === 'string' && declared.name !== '') {
      found.push({ name: declared.name, parameters: declared.parameters });
    }
  }
  return found;
}

/** tool_choice "none" calls nothing, a forced function its tool, anything else the first tool. */
export function pickTool(tools: readonly ToolSpec[], toolChoice: unknown): ToolSpec | undefined {
  if (toolChoice === 'none') return undefined;
  if (isRecord(toolChoice)) {
    const forced = isRecord(toolChoice.function) ? toolChoice.function.name : toolChoice.name;
    const tool = tools.find((t) => t.name === forced);
    if (tool !== undefined) return tool;
  }
  return tools[0];
}

/** The arguments of a call of `tool`, as the JSON text the API sends. */
export function toolArguments(tool: ToolSpec): string {
  return JSON.stringify(KNOWN_ARGUMENTS[tool.name] ?? objectFromSchema(tool.parameters, 0));
}

/** Splits text into the pieces a stream delivers, roughly one token each: words, punctuation runs. */
export function splitIntoPieces(text: string): string[] {
  return text.match(/\s*\w+|\s*[^\w\s]+|\s+/g) ?? [];
}

function objectFromSchema(schema: unknown, depth: number): Record<string, unknown> {
  if (!isRecord(schema) || !isRecord(schema.properties) || !Array.isArray(schema.required)) return {};
  if (depth >= MAX_SCHEMA_DEPTH) return {};
  const properties = schema.properties;
  // fromEntries defines own properties, so a parameter named __proto__ stays a parameter.
  return Object.fromEntries(
    schema.required
      .filter((name): name is string => typeof name === 'string' && Object.hasOwn(properties, name))
      .map((name) => [name, placeholder(properties[name], depth + 1)]),
  );
}

function placeholder(schema: unknown, depth: number): unknown {
  if (!isRecord(schema)) return 'mock';
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return objectFromSchema(schema, depth);
    case 'null':
      return null;
    default:
      return 'mock';
  }
}

/**
 * How a client is pointed at the gateway: the one source of the snippets that the console's
 * Quick start, the README and the `npm start` banner show (a test keeps the README equal to
 * them). Pure functions of text: the web console imports this file too.
 */

/** The path clients configure: OpenAI SDKs and the Codex CLI append /chat/completions, /responses… to it. */
export const CLIENT_API_PATH = '/v1';

/** The base URL a client is configured with, for a gateway's public address. */
export const clientBaseUrl = (gatewayUrl: string) => `${gatewayUrl.replace(/\/+$/, '')}${CLIENT_API_PATH}`;

/**
 * The model the examples name: priced by the seeded catalogue, and answered by the Chat
 * Completions and Responses APIs alike (so one model serves the Codex CLI, curl and the SDKs).
 */
export const EXAMPLE_MODEL = 'gpt-5-mini';

/** The model a person's snippets name: the example one if their plan allows it, else the first their plan allows. */
export function suggestModel(allowed: readonly string[]): string | undefined {
  return allowed.includes(EXAMPLE_MODEL) ? EXAMPLE_MODEL : allowed[0];
}

/** The variable the snippets read the key from (Codex's env_key). */
export const KEY_ENV = 'CODEX_GATEWAY_API_KEY';

/** What the snippets are made from. */
export interface SnippetInput {
  baseUrl: string;
  model: string;
  /** A one-line comment naming the key to paste, already in the reader's language. */
  keyComment: string;
  /** The comment over OPENAI_API_KEY, in the same language. */
  envComment?: string;
  /** The key itself, where it may be printed (the local stack's demo key); otherwise a placeholder. */
  key?: string;
}

// Key names and models are typed by people: keep them on one line and out of the quotes they could break.
const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ').trim();
const jsonString = (text: string) => JSON.stringify(oneLine(text));
const shellQuoted = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;
// JavaScript in the style of this repository (single quotes), which its formatter keeps in the README.
const jsString = (text: string) => `'${oneLine(text).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function shellEnvSnippet({ keyComment, envComment = 'Clients that read the standard variable:', key }: SnippetInput): string {
  return [
    `# ${oneLine(keyComment)}`,
    `export ${KEY_ENV}=${key ? shellQuoted(oneLine(key)) : '"sk-…"'}`,
    `# ${oneLine(envComment)}`,
    `export OPENAI_API_KEY="$${KEY_ENV}"`,
  ].join('\n');
}

/** ~/.codex/config.toml: Codex speaks the Responses API (current Codex refuses wire_api = "chat"). */
export function codexConfigSnippet({ baseUrl, model }: SnippetInput): string {
  return [
    `model = ${jsonString(model)}`,
    'model_provider = "codex-gateway"',
    '',
    '[model_providers.codex-gateway]',
    'name = "Codex Gateway"',
    `base_url = ${jsonString(baseUrl)}`,
    `env_key = "${KEY_ENV}"`,
    'wire_api = "responses"',
  ].join('\n');
}

/**
 * Claude Code: it speaks Anthropic's Messages API at the gateway's root (it appends
 * /v1/messages itself) and sends ANTHROPIC_AUTH_TOKEN as a bearer token. It picks its own
 * Claude model; the plan must allow it.
 */
export function claudeCodeSnippet({ baseUrl, keyComment }: SnippetInput): string {
  const root = baseUrl.replace(/\/+$/, '').replace(new RegExp(`${CLIENT_API_PATH}$`), '');
  return [
    `# ${KEY_ENV}: ${oneLine(keyComment)}`,
    `export ANTHROPIC_BASE_URL=${jsonString(root)}`,
    `export ANTHROPIC_AUTH_TOKEN="$${KEY_ENV}"`,
    'claude -p "Hello!"',
  ].join('\n');
}

export function curlSnippet({ baseUrl, model, keyComment }: SnippetInput): string {
  const body = JSON.stringify({ model: oneLine(model), messages: [{ role: 'user', content: 'Hello!' }] });
  return [
    `# ${KEY_ENV}: ${oneLine(keyComment)}`,
    `curl ${baseUrl.replace(/\/+$/, '')}/chat/completions \\`,
    `  -H "Authorization: Bearer $${KEY_ENV}" \\`,
    '  -H "Content-Type: application/json" \\',
    `  -d ${shellQuoted(body)}`,
  ].join('\n');
}

export function pythonSnippet({ baseUrl, model, keyComment }: SnippetInput): string {
  return [
    'import os',
    '',
    'from openai import OpenAI',
    '',
    `# ${KEY_ENV}: ${oneLine(keyComment)}`,
    `client = OpenAI(base_url=${jsonString(baseUrl)}, api_key=os.environ["${KEY_ENV}"])`,
    '',
    'reply = client.chat.completions.create(',
    `    model=${jsonString(model)},`,
    '    messages=[{"role": "user", "content": "Hello!"}],',
    ')',
    'print(reply.choices[0].message.content)',
  ].join('\n');
}

export function nodeSnippet({ baseUrl, model, keyComment }: SnippetInput): string {
  return [
    "import OpenAI from 'openai';",
    '',
    `// ${KEY_ENV}: ${oneLine(keyComment)}`,
    `const client = new OpenAI({ baseURL: ${jsString(baseUrl)}, apiKey: process.env.${KEY_ENV} });`,
    '',
    'const reply = await client.chat.completions.create({',
    `  model: ${jsString(model)},`,
    "  messages: [{ role: 'user', content: 'Hello!' }],",
    '});',
    'console.log(reply.choices[0].message.content);',
  ].join('\n');
}

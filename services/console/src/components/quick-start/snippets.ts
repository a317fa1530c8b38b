/** What the snippets are made from; the key itself is never known here, only its name. */
export interface SnippetInput {
  baseUrl: string;
  model: string;
  /** A one-line comment naming the key to paste, already in the person's language. */
  keyComment: string;
  /** The comment over OPENAI_API_KEY, in the same language. */
  envComment: string;
}

export const KEY_ENV = 'CODEX_GATEWAY_API_KEY';

// Key names and models are typed by people: keep them on one line and out of the quotes they could break.
const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ').trim();
const jsonString = (text: string) => JSON.stringify(oneLine(text));

export function shellEnvSnippet({ keyComment }: SnippetInput): string {
  return [`# ${oneLine(keyComment)}`, `export ${KEY_ENV}="sk-…"`, '# Clients that read the standard variable:', `export OPENAI_API_KEY="$${KEY_ENV}"`].join(
    '\n',
  );
}

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

export function curlSnippet({ baseUrl, model, keyComment }: SnippetInput): string {
  const body = JSON.stringify({ model: oneLine(model), messages: [{ role: 'user', content: 'Hello!' }] }).replace(/'/g, "'\\''");
  return [
    `# ${KEY_ENV}: ${oneLine(keyComment)}`,
    `curl ${baseUrl.replace(/\/+$/, '')}/chat/completions \\`,
    `  -H "Authorization: Bearer $${KEY_ENV}" \\`,
    '  -H "Content-Type: application/json" \\',
    `  -d '${body}'`,
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
    `const client = new OpenAI({ baseURL: ${jsonString(baseUrl)}, apiKey: process.env.${KEY_ENV} });`,
    '',
    'const reply = await client.chat.completions.create({',
    `  model: ${jsonString(model)},`,
    "  messages: [{ role: 'user', content: 'Hello!' }],",
    '});',
    'console.log(reply.choices[0].message.content);',
  ].join('\n');
}

/** `--name value`, `--name=value` and bare `--flag` (true) into an object; other words are ignored. */
export function args(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const [name, inline] = a.slice(2).split('=', 2);
    if (inline !== undefined) out[name] = inline;
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) out[name] = argv[(i += 1)];
    else out[name] = true;
  }
  return out;
}

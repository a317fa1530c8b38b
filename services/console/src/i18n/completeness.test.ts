import { describe, expect, it } from 'vitest';
import { adminEn } from './admin/en';
import { adminZh } from './admin/zh';
import { apiReferenceEn } from './api-reference/en';
import { apiReferenceZh } from './api-reference/zh';
import { en } from './en';
import { zh } from './zh';

// Plural forms differ by language (English has _one and _other, Chinese _other alone): a
// key counts as present when any of its forms is.
const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Every string of a namespace, by its dotted key (plural forms under their base key). */
function strings(tree: object, prefix = ''): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') {
      const base = path.replace(PLURAL, '');
      found.set(base, [...(found.get(base) ?? []), value]);
    } else if (value && typeof value === 'object') {
      for (const [inner, texts] of strings(value, path)) found.set(inner, texts);
    }
  }
  return found;
}

/** The {{placeholders}} a key's forms fill, sorted: a translation must fill the same ones. */
const placeholders = (texts: string[]) => [...new Set(texts.flatMap((text) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1])))].sort();

describe.each([
  ['translation', en, zh],
  ['admin', adminEn, adminZh],
  ['apiReference', apiReferenceEn, apiReferenceZh],
])('the %s namespace', (_name, english, chinese) => {
  const inEnglish = strings(english);
  const inChinese = strings(chinese);

  it('has every key in both languages', () => {
    expect([...inEnglish.keys()].filter((key) => !inChinese.has(key))).toEqual([]);
    expect([...inChinese.keys()].filter((key) => !inEnglish.has(key))).toEqual([]);
  });

  it('fills the same placeholders in both languages', () => {
    const differing = [...inEnglish].filter(([key, texts]) => {
      const other = inChinese.get(key);
      return other !== undefined && placeholders(texts).join() !== placeholders(other).join();
    });
    expect(differing.map(([key]) => key)).toEqual([]);
  });

  it('has no empty string', () => {
    const empty = [...inEnglish, ...inChinese].filter(([, texts]) => texts.some((text) => text.trim() === ''));
    expect(empty.map(([key]) => key)).toEqual([]);
  });
});

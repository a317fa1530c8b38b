import { Anchor, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

const MAX_VALUE = 80;
/** Lines shown before "Show all": a created object lists every field. */
const FOLDED_LINES = 4;

type Line = { key: string; kind: 'changed' | 'added' | 'removed'; before?: string; after?: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value as compact JSON, cut short (the full text is the line's title). */
function compact(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** The fields that differ between two states; a state that is not an object counts as one field. */
export function diffLines(before: unknown, after: unknown): Line[] {
  if (!isRecord(before) && !isRecord(after)) {
    if (before === null && after === null) return [];
    return [{ key: '', kind: before === null ? 'added' : after === null ? 'removed' : 'changed', before: compact(before), after: compact(after) }];
  }
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  const lines: Line[] = [];
  for (const key of [...new Set([...Object.keys(b), ...Object.keys(a)])]) {
    const inBefore = Object.hasOwn(b, key);
    const inAfter = Object.hasOwn(a, key);
    if (inBefore && inAfter) {
      if (JSON.stringify(b[key]) !== JSON.stringify(a[key])) lines.push({ key, kind: 'changed', before: compact(b[key]), after: compact(a[key]) });
    } else if (inAfter) {
      lines.push({ key, kind: 'added', after: compact(a[key]) });
    } else {
      lines.push({ key, kind: 'removed', before: compact(b[key]) });
    }
  }
  return lines;
}

const COLOR = { changed: undefined, added: 'teal.8', removed: 'red.8' } as const;
const SIGN = { changed: '~', added: '+', removed: '−' } as const;

/** Before → after as compact JSON, one changed field a line ("status: "active" → "suspended""). */
export function JsonDiff({ before, after }: { before: unknown; after: unknown }) {
  const { t } = useTranslation('admin');
  const [unfolded, setUnfolded] = useState(false);
  const lines = diffLines(before, after);
  const shown = unfolded ? lines : lines.slice(0, FOLDED_LINES);
  if (lines.length === 0) {
    return (
      <Text size="xs" c="dimmed">
        {t('audit.noChange')}
      </Text>
    );
  }
  return (
    <Stack gap={0} align="flex-start" data-testid="audit-diff">
      {shown.map((line) => {
        const label = line.key ? `${line.key}: ` : '';
        const value = line.kind === 'changed' ? `${line.before} → ${line.after}` : line.kind === 'added' ? (line.after ?? '') : `${line.before ?? ''} → ∅`;
        return (
          <Text key={line.key || 'value'} size="xs" ff="monospace" c={COLOR[line.kind]} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            <span aria-hidden="true">{SIGN[line.kind]} </span>
            {label}
            {value}
          </Text>
        );
      })}
      {lines.length > FOLDED_LINES && (
        <Anchor component="button" type="button" size="xs" onClick={() => setUnfolded(!unfolded)}>
          {unfolded ? t('audit.showLess') : t('audit.showAll', { count: lines.length })}
        </Anchor>
      )}
    </Stack>
  );
}

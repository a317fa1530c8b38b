import { Badge, createTheme, NativeSelect, PasswordInput, TextInput } from '@mantine/core';

// Required fields keep the `required` attribute (screen readers announce it) but drop the
// visual " *": it would become part of the label text ("Email *"), and every field of these
// short forms is required anyway. Exact label lookups (tests, voice control) then match.
const noAsterisk = { defaultProps: { withAsterisk: false } };

/** Mantine's defaults with a system font stack that covers Chinese without a web font. */
export const theme = createTheme({
  primaryColor: 'blue',
  defaultRadius: 'md',
  fontFamily:
    '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif',
  headings: { fontWeight: '700' },
  components: {
    // A badge in a squeezed table cell would otherwise shrink to an ellipsis ("已…").
    Badge: Badge.extend({ styles: { root: { minWidth: 'max-content' } } }),
    TextInput: TextInput.extend(noAsterisk),
    PasswordInput: PasswordInput.extend(noAsterisk),
    NativeSelect: NativeSelect.extend(noAsterisk),
    // By name, not with .extend: importing these (staff pages only) here would put them in the first load.
    NumberInput: noAsterisk,
    Textarea: noAsterisk,
  },
});

import { Button, CopyButton as MantineCopyButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';

interface CopyButtonProps {
  value: string;
  /** The accessible name when several copy buttons share a page ("Copy snippet" …). */
  label?: string;
}

/** A button that copies `value` and says so for a moment. */
export function CopyButton({ value, label }: CopyButtonProps) {
  const { t } = useTranslation();
  return (
    <MantineCopyButton value={value} timeout={2000}>
      {({ copied, copy }) => (
        <Button
          size="xs"
          variant={copied ? 'filled' : 'light'}
          color={copied ? 'teal' : 'blue'}
          onClick={copy}
          aria-label={label && (copied ? t('common.copied') : label)}
        >
          {copied ? t('common.copied') : t('common.copy')}
        </Button>
      )}
    </MantineCopyButton>
  );
}

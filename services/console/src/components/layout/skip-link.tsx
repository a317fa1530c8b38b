import { useTranslation } from 'react-i18next';
import classes from './skip-link.module.css';

/** "Skip to content": the first stop of the Tab key, past the header and the navbar. */
export function SkipLink() {
  const { t } = useTranslation();
  return (
    <a href="#main" className={classes.link}>
      {t('app.skipToContent')}
    </a>
  );
}

import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// A form's first check loads the schemas (a dynamic import): give it more than a second.
configure({ asyncUtilTimeout: 5000 });

// What Mantine asks of a browser that jsdom does not have (the tests of plain functions run in Node).
if (typeof window !== 'undefined') {
  window.matchMedia ??= (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }) as MediaQueryList;
  window.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
  Element.prototype.scrollIntoView ??= () => undefined;
  if (!('fonts' in document)) {
    Object.defineProperty(document, 'fonts', { value: { addEventListener: () => undefined, removeEventListener: () => undefined } });
  }
  afterEach(cleanup);
}

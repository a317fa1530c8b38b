/**
 * Removes what earlier compose test runs left behind (compose/test/run.sh runs it before the
 * tests and again when it exits, whatever ended it): every `cg<kind><pid>` project whose
 * process is gone, with its containers, networks, volumes and images.
 *   npx tsx compose/test/remove-leftovers.ts
 */
import { removeLeftovers } from './compose-project.js';

await removeLeftovers();

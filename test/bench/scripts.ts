/**
 * How a benchmark starts another benchmark script in a process of its own: the bundled
 * sibling when it runs bundled (`npm run bench`, scripts/bench.mjs), the TypeScript file
 * through tsx when it is run from source.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function benchProcessArgs(name: 'vault-bench' | 'bundle-bench', args: string[]): string[] {
  const here = fileURLToPath(import.meta.url);
  const dir = path.dirname(here);
  return here.endsWith('.ts') ? ['--import', 'tsx', path.join(dir, `${name}.ts`), ...args] : [path.join(dir, `${name}.mjs`), ...args];
}

/**
 * The full check of a vault as `tearline verify` and the app run it: the log's own
 * integrity (log/integrity.ts), and then the imported entries against what the log says
 * the imports added. Their rows are sealed one by one; a row deleted by someone with the
 * file would otherwise go unnoticed, since nothing else counts them.
 */
import { verifyVault, type IntegrityReport } from '../log/integrity';
import { logFacts } from '../trust/log-facts';
import type { ProgressFn, Vault } from '../vault/vault';
import { importedCount, importedIdClashes } from './imported-store';

export function checkVault(vault: Vault, onProgress?: ProgressFn): IntegrityReport {
  const report = verifyVault(vault, onProgress);
  // Only a log that holds together can say what the imports added.
  if (!report.ok) return report;
  const imports = logFacts(vault).imports;
  const held = importedCount(vault);
  const problems = [...report.problems];
  if (imports !== undefined && imports.rows !== held) {
    problems.push({
      index: Math.max(0, imports.last),
      what: 'imports' as const,
      message: `the vault holds ${held} imported entries where its log records ${imports.rows}: imported entries were removed or added`,
    });
  }
  // Only possible for entries taken in before a second entry under one id was refused.
  const clashes = importedIdClashes(vault);
  if (clashes > 0) {
    problems.push({
      index: Math.max(0, imports?.last ?? 0),
      what: 'imports' as const,
      message: `${clashes} entry id${clashes === 1 ? ' is' : 's are'} held from more than one log: one of those logs forged ${clashes === 1 ? 'it' : 'them'} (\`tearline show ID\` names both)`,
    });
  }
  if (problems.length === report.problems.length) return report;
  return { ...report, ok: false, problems, firstBadIndex: Math.min(...problems.map((p) => p.index)) };
}

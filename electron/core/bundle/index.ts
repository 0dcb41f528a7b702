/**
 * The bundle and keyring API of the core: what the command line, the Electron shell and
 * the tests call. See docs/bundle-format.md for the format itself.
 */
export { exportBundle, selectIndexes, type ExportOptions, type ExportResult, type ExportSelection, type ExportRecipient } from './export';
export { inspectBundle, type InspectOptions, type InspectTarget } from './inspect';
export { importBundle, type ImportOptions, type ImportResult } from './import';
export {
  listImported,
  findImported,
  importedFoldInputs,
  importedCount,
  importedCaseOpenings,
  importedCaseOpened,
  type ImportedEntry,
  type ImportedQuery,
} from './imported-store';
export { loadBundle, sniffForm, type BundleSource, type LoadedBundle } from './input';
export type { BundlePhase, BundleProgress, RunOptions } from './progress';
export { trustAdd, trustRevoke, findTrust, type TrustAddInput, type TrustedKey, type RevokeOptions } from '../trust/keyring';
export { trustList, type TrustListing, type TrustListEntry, type HeldLog } from '../trust/trust-list';
export type { Verdict, Problem, PreviewEntry, Signer } from '../../../shared/bundle/verdict';
export type { ForkEvidence, SignedCheckpoint } from '../../../shared/bundle/evidence';
export { checkVault } from './vault-check';

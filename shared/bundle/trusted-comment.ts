/**
 * The minisign trusted comment of a bundle (docs/bundle-format.md, section 4): the one
 * line that stock `minisign -V` prints, binding the bundle id, the log's origin, its size
 * and its root. With the signature and the global signature it is a signed checkpoint.
 */
export interface TrustedCommentFields {
  bundleId: string;
  origin: string;
  size: number;
  /** The Merkle root, lowercase hex. */
  root: string;
}

const PREFIX = 'tearline bundle v1';
const PATTERN =
  /^tearline bundle v1 id=([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}) origin=([\x21-\x7e]{1,200}) size=(0|[1-9][0-9]{0,15}) root=([0-9a-f]{64})$/;

export function formatTrustedComment(f: TrustedCommentFields): string {
  const text = `${PREFIX} id=${f.bundleId} origin=${f.origin} size=${f.size} root=${f.root}`;
  if (parseTrustedComment(text) === undefined) throw new Error('formatTrustedComment: a field is out of range');
  return text;
}

/** Strict inverse of formatTrustedComment; undefined for anything else. */
export function parseTrustedComment(text: string): TrustedCommentFields | undefined {
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  const size = Number(m[3]);
  if (!Number.isSafeInteger(size)) return undefined;
  return { bundleId: m[1]!, origin: m[2]!, size, root: m[4]! };
}

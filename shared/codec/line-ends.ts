/**
 * Text that went through Windows (an editor, a clipboard, a file copied by hand) has
 * CR LF where it was written with LF. The small text formats accept that, but only for
 * every line at once: a mixture is not what any tool writes.
 */

/** The text with LF line ends: as it is, or with every CR LF read as LF; undefined for a mixture. */
export function lfLineEnds(text: string): string | undefined {
  if (!text.includes('\r\n')) return text;
  if (/\r(?!\n)|(?<!\r)\n/.test(text)) return undefined;
  return text.replace(/\r\n/g, '\n');
}

/** The error code that `work` fails with (awaited), or undefined when it does not fail. */
export async function codeOf(work: () => unknown): Promise<string | undefined> {
  try {
    await work();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

/**
 * The ids of a bundle's entries met so far, to find one given twice (a forged entry).
 *
 * Ids are UUIDv7s, and one log writes them in increasing order (the time first, then a
 * counter), so in a bundle's index order each is normally above every earlier one and
 * cannot repeat any: that takes one string comparison, where a set of 100k ids cost ~0.5 µs
 * an entry on the verifying thread (hashing each new string, and probing a table larger
 * than the cache). The first id that is not above the last one turns the ids met so far
 * into a set, which answers from then on.
 */
export class SeenIds {
  private greatest: string | undefined;
  private inOrder: string[] = [];
  private set: Set<string> | undefined;

  /** Records `id`; true if it had been met before. */
  repeat(id: string): boolean {
    if (this.set === undefined) {
      if (this.greatest === undefined || id > this.greatest) {
        this.greatest = id;
        this.inOrder.push(id);
        return false;
      }
      this.set = new Set(this.inOrder);
      this.inOrder = [];
    }
    if (this.set.has(id)) return true;
    this.set.add(id);
    return false;
  }
}

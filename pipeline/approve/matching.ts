/**
 * Who fills which requirement: maximum bipartite matching of distinct signers
 * to slots (Kuhn's augmenting paths). Greedy assignment is wrong when roles
 * overlap: if A can fill slot 1 or 2 and B only slot 1, greedy may give slot 1
 * to A and leave B out; matching finds A→2, B→1. Sizes are tiny (a few slots,
 * a few signers), so the simple algorithm is the right one.
 */

/**
 * `candidates[i]` lists the slots signer i can fill. Returns, for each slot,
 * the signer that fills it (or undefined) and how many slots are filled.
 */
export function maxMatching(candidates: readonly (readonly number[])[], slotCount: number): { size: number; owner: (number | undefined)[] } {
  const owner: (number | undefined)[] = new Array<number | undefined>(slotCount).fill(undefined);
  const augment = (signer: number, seen: boolean[]): boolean => {
    for (const slot of candidates[signer] ?? []) {
      if (seen[slot]) continue;
      seen[slot] = true;
      const current = owner[slot];
      if (current === undefined || augment(current, seen)) {
        owner[slot] = signer;
        return true;
      }
    }
    return false;
  };
  let size = 0;
  for (let i = 0; i < candidates.length; i++) {
    if (augment(i, new Array<boolean>(slotCount).fill(false))) size++;
    if (size === slotCount) break;
  }
  return { size, owner };
}

/**
 * The soak's content tokens: `<response>:<seq>/<total> `, each unique to one upstream response and
 * numbered, so a client can tell from the text alone whether it got one response's tokens in order,
 * a gap, a duplicate, or tokens from two responses spliced together (a retry after the commit point).
 */
export function tokenOf(response: number, seq: number, total: number): string {
  return `${response}:${seq}/${total} `;
}

export type TokenCheck =
  /** Every token from one response, in order from 0; `complete` when all `total` arrived. */
  | { readonly kind: 'ordered'; readonly response: number | undefined; readonly count: number; readonly complete: boolean }
  /** A token repeated, out of order, or from a second response. */
  | { readonly kind: 'duplicate'; readonly why: string }
  /** A token skipped. */
  | { readonly kind: 'gap'; readonly why: string }
  /** Text that is not the soak's tokens at all. */
  | { readonly kind: 'garbled'; readonly why: string };

const tokenPattern = /^(\d+):(\d+)\/(\d+)$/;

/** Checks the concatenated content a client received. */
export function checkTokens(text: string): TokenCheck {
  const words = text.split(' ').filter((word) => word !== '');
  let response: number | undefined;
  let total = 0;
  for (const [index, word] of words.entries()) {
    const match = tokenPattern.exec(word);
    if (match === null) return { kind: 'garbled', why: `"${word.slice(0, 40)}" is not a soak token` };
    const [id, seq, of] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (response === undefined) {
      response = id;
      total = of;
    } else if (id !== response) {
      return { kind: 'duplicate', why: `token ${word} of response ${id} after tokens of response ${response}` };
    }
    if (seq < index) return { kind: 'duplicate', why: `token ${word} again or out of order (expected seq ${index})` };
    if (seq > index) return { kind: 'gap', why: `token ${word} after a gap (expected seq ${index})` };
  }
  return { kind: 'ordered', response, count: words.length, complete: response !== undefined && words.length === total };
}

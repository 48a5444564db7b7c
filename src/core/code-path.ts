/**
 * A config value that holds either JavaScript or the path of a file with it (a CloudFront
 * Function's `FunctionCode`): one token ending in `.js`/`.mjs`/`.cjs`, without the spaces and
 * punctuation any code would have, is a path.
 */
export function isCodePath(value: string): boolean {
  return /^[^\s;{}()]+\.(js|mjs|cjs)$/.test(value.trim());
}

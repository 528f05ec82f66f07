/**
 * "Did you mean ...?" for names the org does not know. Product keys are spelt differently across
 * Atlassian's APIs (`jira` vs `jira-software`), so a name that is a dash-separated prefix of a
 * known one counts as close, as does a small edit distance.
 */
import { compareText } from './order.js';

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}

/** The known names closest to `input` (several when tied), or none when nothing is close. */
export function closestNames(input: string, known: readonly string[]): string[] {
  const wanted = input.toLowerCase();
  const prefixed = known.filter((k) => k.toLowerCase().startsWith(`${wanted}-`));
  if (prefixed.length > 0) return [...prefixed].sort(compareText);
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  let best: string[] = [];
  let bestDistance = Infinity;
  for (const name of known) {
    const distance = editDistance(wanted, name.toLowerCase());
    if (distance > limit) continue;
    if (distance < bestDistance) {
      best = [name];
      bestDistance = distance;
    } else if (distance === bestDistance) {
      best.push(name);
    }
  }
  return best.sort(compareText);
}

/** ` (did you mean "x"?)`, or an empty string. */
export function didYouMean(input: string, known: readonly string[]): string {
  const names = closestNames(input, known);
  if (names.length === 0) return '';
  return ` (did you mean ${names.map((n) => `"${n}"`).join(' or ')}?)`;
}

/**
 * A charity name for test data that carries its id without any of its
 * digits: the free-text screen refuses names whose digit groups join into
 * something phone-, card- or ID-like, which random ids sometimes make.
 */
export function charityName(prefix: string, id: string): string {
  return `${prefix} ${id.replace(/\d/g, (d) => 'abcdefghij'[Number(d)])}`;
}

import { describe, expect, it } from '@jest/globals';
import { PolicyError, formatProblem } from '../../src/errors.js';

describe('policy errors', () => {
  it('sorts problems by file, line and column', () => {
    const error = new PolicyError([
      { file: 'b.yml', line: 1, column: 1, message: 'x' },
      { file: 'a.yml', line: 9, column: 2, message: 'y' },
      { file: 'a.yml', line: 3, column: 5, message: 'z' },
    ]);
    expect(error.problems.map(formatProblem)).toEqual([
      'a.yml:3:5: z',
      'a.yml:9:2: y',
      'b.yml:1:1: x',
    ]);
  });
});

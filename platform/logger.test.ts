import { describe, expect, it } from 'vitest';
import { isPrettyLogFormat } from './logger.ts';

describe('log format', () => {
  it('is readable on a terminal and JSON lines elsewhere, unless LOG_FORMAT says', () => {
    expect(isPrettyLogFormat('auto', { isTTY: true })).toBe(true);
    expect(isPrettyLogFormat('auto', { isTTY: undefined })).toBe(false);
    expect(isPrettyLogFormat('json', { isTTY: true })).toBe(false);
    expect(isPrettyLogFormat('pretty', { isTTY: undefined })).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { change, formatAxis, formatChange, formatNumber, formatValue, parseFormat } from './format.ts';

const en = 'en-US';

describe('formatValue', () => {
  it('formats each format', () => {
    expect(formatValue(1234.567, 'number', en)).toBe('1,234.57');
    expect(formatValue(1234.567, 'integer', en)).toBe('1,235');
    expect(formatValue(388415.43, 'currency', en)).toBe('$388,415');
    expect(formatValue(12.5, 'currency', en)).toBe('$12.5');
    expect(formatValue(0.253, 'percent', en)).toBe('25.3%');
    expect(formatValue(2.43, 'days', en)).toBe('2.4 days');
  });

  it('shows null as a dash and text as it is', () => {
    expect(formatValue(null, 'currency', en)).toBe('—');
    expect(formatValue('web', 'number', en)).toBe('web');
    expect(formatValue('12.50', 'number', en)).toBe('12.5');
  });

  it('shortens axis labels', () => {
    expect(formatAxis(2500, 'currency', en)).toBe('$2.5K');
    expect(formatAxis(0.5, 'percent', en)).toBe('50%');
  });

  it('reads unknown formats as number', () => {
    expect(parseFormat('money')).toBe('number');
    expect(parseFormat(true)).toBe('number');
    expect(parseFormat('days')).toBe('days');
  });

  it('formats a table number as its column type', () => {
    expect(formatNumber(89583.9, 'DECIMAL(18,2)', en)).toBe('89,583.90');
    expect(formatNumber(2024, 'BIGINT', en)).toBe('2,024');
    expect(formatNumber(0.12345, 'DOUBLE', en)).toBe('0.12');
  });
});

describe('change', () => {
  it('is the ratio against the previous value, none against zero or null', () => {
    expect(change(125, 100)).toBe(0.25);
    expect(change(50, -100)).toBe(1.5);
    expect(change(1, 0)).toBeNull();
    expect(change(1, null)).toBeNull();
    expect(formatChange(0.237, en)).toBe('+23.7%');
    expect(formatChange(-0.066, en)).toBe('-6.6%');
  });
});

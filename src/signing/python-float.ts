/**
 * Python's `repr(float)`, which `json.dumps` uses for floats (spec §2.1).
 * @module
 */

/**
 * Format `value` exactly as Python's `repr(float(value))` does.
 *
 * The digits are the shortest that round-trip, which JavaScript's `toExponential()` (no argument)
 * computes too; only the layout differs. Python (`float_repr_style = 'short'`, `Py_DTSF_ADD_DOT_0`)
 * switches to scientific notation when the decimal exponent is `< -4` or `>= 16`, writes the
 * exponent with a sign and at least two digits (`1e-05`, `1.5e+16`), drops `.0` from a
 * one-digit mantissa, and appends `.0` to an integral value in positional notation (`2.0`).
 *
 * @example
 * pythonFloatRepr(1e-5); // '1e-05'
 * pythonFloatRepr(1e16); // '1e+16'
 * pythonFloatRepr(2); // '2.0'
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';

  const sign = value < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest round-trip digits: "d.ddde±x".
  const [mantissa = '', exp = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exp);

  if (exponent < -4 || exponent >= 16) {
    const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const expSign = exponent < 0 ? '-' : '+';
    return `${sign}${head}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const intLength = exponent + 1;
  if (digits.length <= intLength) return `${sign}${digits.padEnd(intLength, '0')}.0`;
  return `${sign}${digits.slice(0, intLength)}.${digits.slice(intLength)}`;
}

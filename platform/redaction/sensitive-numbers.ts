/** Whether a run of 13 to 19 digits passes the Luhn check card numbers carry (and is not all zeros). */
export function isLuhnCardNumber(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19 || /^0+$/.test(digits)) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (digit < 0 || digit > 9) return false;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Whether area, group and serial can form a US social security number: the area is never 000, 666 or
 * 900-999, the group never 00, the serial never 0000 (SSA's rules, before and after randomisation).
 */
export function isValidSocialSecurityNumber(area: string, group: string, serial: string): boolean {
  const areaNumber = Number(area);
  return areaNumber !== 0 && areaNumber !== 666 && areaNumber < 900 && Number(group) !== 0 && Number(serial) !== 0;
}

// 公民身份号码 (GB 11643-1999): the ISO 7064 MOD 11-2 check digit and the
// date of birth, to tell a real-looking full number from a masked or
// mangled one in the tests.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

function checkDigit(first17) {
  if (!/^\d{17}$/.test(first17)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

function isValid(id) {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  return checkDigit(id.slice(0, 17)) === id[17];
}

/** The masked form the platform shows: 6 digits, 8 stars, the last 4 (`230102********1234`). */
const MASKED = /^\d{6}\*{8}\d{3}[\dX]$/;

module.exports = { checkDigit, isValid, MASKED };

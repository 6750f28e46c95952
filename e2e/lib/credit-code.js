// 统一社会信用代码 (GB 32100-2015) arithmetic, ported from
// crates/domain/src/credit_code.rs (`check_char`, `org_code_check_char`), to
// make valid (and deliberately invalid) codes for the browser tests.
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
// 3^(i-1) mod 31 for positions 1–17.
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
// GB 11714 weights of the eight body characters of a 组织机构代码.
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** The check character (position 18) for the first 17 characters, or null. */
function checkChar(first17) {
  if (typeof first17 !== 'string' || first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CHARSET.indexOf(first17[i]);
    if (v < 0) return null;
    sum += v * WEIGHTS[i];
  }
  return CHARSET[(31 - (sum % 31)) % 31];
}

/** The GB 11714 check character (the 9th) of a 组织机构代码's eight body characters, or null. */
function orgCodeCheckChar(body8) {
  if (typeof body8 !== 'string' || body8.length !== 8) return null;
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = body8[i];
    let v;
    if (c >= '0' && c <= '9') v = c.charCodeAt(0) - 48;
    else if (c >= 'A' && c <= 'Z') v = c.charCodeAt(0) - 55;
    else return null;
    sum += v * ORG_WEIGHTS[i];
  }
  const d = 11 - (sum % 11);
  return d === 10 ? 'X' : d === 11 ? '0' : String(d);
}

/** Whether a code passes both checks (and has the right shape). */
function isValid(code) {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  return checkChar(code.slice(0, 17)) === code[17] && orgCodeCheckChar(code.slice(8, 16)) === code[16];
}

/**
 * A valid enterprise code (登记管理部门 9, 机构类别 1) registered in `division`
 * (6 digits); `seed` (any string or number) picks the organisation body, so
 * the same seed gives the same code.
 */
function makeCode(division, seed) {
  if (!/^\d{6}$/.test(division)) throw new Error(`行政区划代码应为6位数字：${division}`);
  // A small deterministic hash of the seed spreads the bodies over the charset.
  let h = 2166136261;
  for (const ch of String(seed)) {
    h ^= ch.codePointAt(0);
    h = Math.imul(h, 16777619) >>> 0;
  }
  let body = 'MA';
  for (let i = 0; i < 6; i++) {
    body += CHARSET[h % 31];
    h = (Math.imul(h, 1103515245) + 12345) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
  }
  const first17 = `91${division}${body}${orgCodeCheckChar(body)}`;
  return first17 + checkChar(first17);
}

/** The same code with a wrong 18th character (still in the charset). */
function withBadCheckChar(code) {
  const good = code[17];
  const bad = CHARSET[(CHARSET.indexOf(good) + 7) % 31];
  return code.slice(0, 17) + bad;
}

module.exports = { CHARSET, checkChar, orgCodeCheckChar, isValid, makeCode, withBadCheckChar };

/**
 * The check algorithms of the identifiers the rules look for. Each function
 * takes the bare normalised characters (digits, upper-case letters).
 */

/** GB/T 2260 province-level codes: the first two digits of a resident ID number. */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
]);

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

function num(s: string, a: number, b: number): number {
  let v = 0;
  for (let i = a; i < b; i++) v = v * 10 + (s.charCodeAt(i) - 48);
  return v;
}

/** The ISO 7064 MOD 11-2 check character of the first 17 digits. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

/**
 * GB 11643-1999 citizen identification number: 6-digit region (province
 * known), birth date YYYYMMDD, 3-digit sequence, MOD 11-2 check character.
 */
export function isResidentId18(s: string): boolean {
  if (s.length !== 18 || !/^\d{17}[\dX]$/.test(s)) return false;
  if (!PROVINCES.has(num(s, 0, 2))) return false;
  if (!validDate(num(s, 6, 10), num(s, 10, 12), num(s, 12, 14))) return false;
  return idCheckChar(s) === s[17];
}

/** The 15-digit number of the first-generation card (1984-2004): region, YYMMDD (19YY), sequence. No check digit. */
export function isResidentId15(s: string): boolean {
  if (s.length !== 15 || !/^\d{15}$/.test(s)) return false;
  if (!PROVINCES.has(num(s, 0, 2))) return false;
  return validDate(1900 + num(s, 6, 8), num(s, 8, 10), num(s, 10, 12));
}

/** Luhn (ISO/IEC 7812) check over a digit string. */
export function luhnValid(s: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = s.length - 1; i >= 0; i--) {
    let d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Issuer prefixes and lengths of the payment cards used in China: UnionPay 62
 * (16-19), Visa 4 (13/16/19), Mastercard 51-55 and 2221-2720 (16), American
 * Express 34/37 (15), JCB 3528-3589 (16-19), Diners 36/38/300-305 (14-16),
 * Discover 60/64/65 (16-19), and the older domestic debit BINs 9 (19, e.g. 95599).
 */
export function cardBinValid(s: string): boolean {
  const L = s.length;
  const p2 = num(s, 0, 2);
  const p4 = num(s, 0, 4);
  if (p2 === 62) return L >= 16 && L <= 19;
  if (s[0] === '4') return L === 13 || L === 16 || L === 19;
  if (p2 >= 51 && p2 <= 55) return L === 16;
  if (p4 >= 2221 && p4 <= 2720) return L === 16;
  if (p2 === 34 || p2 === 37) return L === 15;
  if (p4 >= 3528 && p4 <= 3589) return L >= 16 && L <= 19;
  if (p2 === 36 || p2 === 38 || (p4 >= 3000 && p4 <= 3059)) return L >= 14 && L <= 16;
  if (p2 === 60 || p2 === 64 || p2 === 65) return L >= 16 && L <= 19;
  if (p2 === 95 || p2 === 94 || p2 === 99) return L === 19 || L === 16;
  return false;
}

export function isBankCard(s: string): boolean {
  return s.length >= 13 && s.length <= 19 && /^\d+$/.test(s) && cardBinValid(s) && luhnValid(s);
}

/**
 * Mobile numbers of the current numbering plan: 13x, 145-149, 150-153,
 * 155-159, 162/165/166/167, 170-178, 18x, 190-193, 195-199.
 */
export function isMobile(s: string): boolean {
  if (s.length !== 11 || s.charCodeAt(0) !== 49) return false;
  const a = s.charCodeAt(1) - 48;
  const b = s.charCodeAt(2) - 48;
  switch (a) {
    case 3:
    case 8:
      return true;
    case 4:
      return b >= 5;
    case 5:
      return b !== 4;
    case 6:
      return b === 2 || b === 5 || b === 6 || b === 7;
    case 7:
      return b <= 8;
    case 9:
      return b !== 4;
    default:
      return false;
  }
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100-2015 unified social credit code: 18 characters, MOD 31 check character. */
export function isUscc(s: string): boolean {
  if (s.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARS.indexOf(s[i]!);
    if (v < 0) return false;
    sum += v * USCC_WEIGHTS[i]!;
  }
  const check = (31 - (sum % 31)) % 31;
  return USCC_CHARS[check] === s[17];
}

/** Passport and travel-permit numbers (upper-case, no separators). */
export type TravelDocument = 'passport' | 'hk-macao-permit' | 'taiwan-permit' | 'home-return-permit' | 'taiwan-compatriot-permit';

export function travelDocumentKind(s: string): TravelDocument | undefined {
  // Ordinary passports E + 8 digits or E + letter + 7 digits (since 2012), older G + 8;
  // diplomatic, service and public-affairs passports D/S/P (+E) + 7 digits.
  if (/^(?:[EG]\d{8}|E[A-HJ-NP-Z]\d{7}|[DSP]E?\d{7})$/.test(s)) return 'passport';
  // 往来港澳通行证: C + 8 characters (card, since 2014), older W + 8 digits.
  if (/^(?:C[A-Z0-9]\d{7}|W\d{8})$/.test(s)) return 'hk-macao-permit';
  // 往来台湾通行证: L + 8 digits (card), older T + 8 digits.
  if (/^[LT]\d{8}$/.test(s)) return 'taiwan-permit';
  // 港澳居民来往内地通行证 (回乡证): H/M + 8 or 10 digits.
  if (/^[HM]\d{8}(?:\d{2})?$/.test(s)) return 'home-return-permit';
  // 台湾居民来往大陆通行证 (台胞证): 8 digits (card) or 10 characters.
  if (/^\d{8}$|^\d{10}$|^\d{8}[A-Z]\d$/.test(s)) return 'taiwan-compatriot-permit';
  return undefined;
}

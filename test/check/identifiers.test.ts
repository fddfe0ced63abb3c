import { describe, expect, test } from 'vitest';
import { cardBinValid, idCheckChar, isBankCard, isMobile, isResidentId15, isResidentId18, isUscc, luhnValid, travelDocumentKind } from '../../pipeline/check/index.ts';
import { genBadBankCard, genBadId18, genBankCard, genId15, genId18, genMobile, genUscc, mod11_2, rng } from './helpers.ts';

describe('check algorithms agree with independent implementations', () => {
  const rand = rng(2026);
  test('GB 11643 (MOD 11-2): 5,000 generated numbers valid, their corruptions not', () => {
    for (let i = 0; i < 5000; i++) {
      expect(isResidentId18(genId18(rand))).toBe(true);
      expect(isResidentId18(genBadId18(rand))).toBe(false);
    }
    expect(isResidentId18('11010519491231002X')).toBe(true); // the standard's own example
    expect(idCheckChar('11010519491231002')).toBe(mod11_2('11010519491231002'));
  });

  test('an ID needs a real province and a real date', () => {
    const body = (region: string, date: string) => `${region}${date}001`;
    expect(isResidentId18(body('110105', '19490229') + mod11_2(body('110105', '19490229')))).toBe(false); // 1949 is not a leap year
    expect(isResidentId18(body('110105', '20000229') + mod11_2(body('110105', '20000229')))).toBe(true);
    expect(isResidentId18(body('190105', '19800101') + mod11_2(body('190105', '19800101')))).toBe(false); // no province 19
    expect(isResidentId18(body('110105', '19801301') + mod11_2(body('110105', '19801301')))).toBe(false);
    expect(isResidentId15(genId15(rand))).toBe(true);
    expect(isResidentId15('110105491331002')).toBe(false);
  });

  test('Luhn and issuer prefixes: 5,000 generated cards valid, corruptions not', () => {
    for (let i = 0; i < 5000; i++) {
      expect(isBankCard(genBankCard(rand))).toBe(true);
      expect(isBankCard(genBadBankCard(rand))).toBe(false);
    }
    expect(luhnValid('79927398713')).toBe(true); // the classic example
    expect(cardBinValid('6222021234567890128')).toBe(true);
    expect(cardBinValid('1234567890123456')).toBe(false);
  });

  test('GB 32100 (MOD 31) credit codes', () => {
    for (let i = 0; i < 2000; i++) expect(isUscc(genUscc(rand))).toBe(true);
    expect(isUscc('91110000100000589B'.replace(/.$/, 'I'))).toBe(false);
  });

  test('mobile prefixes of the current plan', () => {
    for (let i = 0; i < 1000; i++) expect(isMobile(genMobile(rand))).toBe(true);
    for (const n of ['12012345678', '14012345678', '15412345678', '16012345678', '17912345678', '19412345678', '10086000000']) expect(isMobile(n), n).toBe(false);
  });

  test('travel documents', () => {
    expect(travelDocumentKind('E12345678')).toBe('passport');
    expect(travelDocumentKind('EA1234567')).toBe('passport');
    expect(travelDocumentKind('C12345678')).toBe('hk-macao-permit');
    expect(travelDocumentKind('L12345678')).toBe('taiwan-permit');
    expect(travelDocumentKind('H1234567801')).toBe('home-return-permit');
    expect(travelDocumentKind('X12345678')).toBeUndefined();
  });
});

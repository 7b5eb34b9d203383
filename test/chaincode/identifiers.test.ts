import { expect } from 'chai';
import { requireDateOrDateTime, requireDateTime, requireYear } from '../../chaincode/src/dates';
import { findPersonalData, requireFreeText } from '../../chaincode/src/free-text';
import { isCreditCode, isResidentIdNumber, requireCreditCode, requirePersonDocument } from '../../chaincode/src/identifiers';
import { nextStatus, requireStatusReason } from '../../chaincode/src/lifecycle';
import { sampleCreditCode, sampleResidentId } from '../../scripts/sample-ids';

describe('identifier rules', function () {
  it('accepts resident ID numbers with the GB 11643 check character and refuses a wrong one', function () {
    expect(isResidentIdNumber('11010519491231002X')).to.equal(true);
    expect(isResidentIdNumber('110105194912310021')).to.equal(false);
    for (let i = 0; i < 200; i++) expect(isResidentIdNumber(sampleResidentId())).to.equal(true);
  });

  it('refuses resident ID numbers with an impossible birth date or the wrong length', function () {
    expect(isResidentIdNumber('110105194902300028')).to.equal(false);
    expect(isResidentIdNumber('11010519491231002')).to.equal(false);
    expect(isResidentIdNumber('1101051949123100212')).to.equal(false);
  });

  it('never derives a key from separators alone: "-", "---" and " - " are refused', function () {
    for (const v of ['-', '---', ' - ', '', '   ']) {
      expect(() => requirePersonDocument('holder', undefined, v)).to.throw(/^VALIDATION_FAILED: holder.idNumber/);
      expect(() => requirePersonDocument('holder', 'passport', v)).to.throw(/^VALIDATION_FAILED: holder.idNumber/);
    }
  });

  it('normalises spaces, hyphens, full-width digits and a lower-case x to one key', function () {
    const keys = ['11010519491231002X', '110105 19491231 002x', '110105-19491231-002X', '１１０１０５１９４９１２３１００２Ｘ'].map(
      (v) => requirePersonDocument('holder', 'resident', v).key,
    );
    expect(new Set(keys)).to.have.length(1);
  });

  it('keys other document kinds with their kind, so equal numbers of two kinds differ', function () {
    const passport = requirePersonDocument('holder', 'passport', 'E12345678');
    const permit = requirePersonDocument('holder', 'hk-macao-permit', 'E12345678');
    expect(passport).to.include({ idType: 'passport', idNumber: 'E12345678', key: 'passport:E12345678' });
    expect(permit.key).to.not.equal(passport.key);
    expect(() => requirePersonDocument('holder', 'driving-licence', 'E12345678')).to.throw(/idType must be one of/);
    expect(() => requirePersonDocument('holder', 'passport', 'ABCDEFG')).to.throw(/passport number/);
  });

  it('checks unified social credit codes by GB 32100', function () {
    expect(isCreditCode('53100000500021676K')).to.equal(true);
    expect(isCreditCode('53100000500021676Q')).to.equal(false);
    expect(isCreditCode('5310000050002167')).to.equal(false);
    expect(requireCreditCode('creditCode', '53100000500021676k')).to.equal('53100000500021676K');
    for (let i = 0; i < 100; i++) expect(isCreditCode(sampleCreditCode())).to.equal(true);
    expect(() => requireCreditCode('creditCode', 'X1')).to.throw(/^VALIDATION_FAILED: creditCode/);
  });
});

describe('free-text screening', function () {
  const refused = [
    '家属张三举报 110101199003070055',
    '身份证11010519491231002X',
    '身份证 110105 19491231 002X',
    '电话13812345678',
    '电话 138-1234-5678',
    'call +86 138 1234 5678',
    '座机 010-62345678',
    '旧身份证 110105491231002',
    '卡号6222020200012345678',
    '手机１３８１２３４５６７８',
  ];
  const allowed = ['资格复核', 'eligibility review', '2026-01-01 至 2026-12-31', '发票号 12345678', '2026-01-01 2026-12-31', '金额 1,000,000 元', '北京市东城区', 'Room 1203'];

  for (const text of refused) {
    it(`refuses ${JSON.stringify(text)} with PERSONAL_DATA_REFUSED`, function () {
      expect(findPersonalData(text)).to.be.a('string');
      expect(() => requireFreeText('memo', text, 200)).to.throw(/^PERSONAL_DATA_REFUSED: memo contains what looks like/);
    });
  }

  it('lets ordinary reasons, dates, invoice numbers and amounts through', function () {
    for (const text of allowed) expect(findPersonalData(text), text).to.equal(undefined);
  });
});

describe('date rules', function () {
  it('refuses impossible dates instead of rolling them over', function () {
    expect(() => requireDateTime('validFrom', '2026-02-30T00:00:00Z')).to.throw(/^VALIDATION_FAILED: validFrom/);
    expect(() => requireDateTime('validFrom', '2026-02-31T00:00:00Z')).to.throw(/^VALIDATION_FAILED/);
    expect(() => requireDateOrDateTime('paidAt', '2026-02-30')).to.throw(/^VALIDATION_FAILED/);
    expect(() => requireDateTime('validFrom', '2026-01-01T24:00:00Z')).to.throw(/^VALIDATION_FAILED/);
    expect(requireDateOrDateTime('paidAt', '2024-02-29')).to.equal('2024-02-29T00:00:00.000Z');
  });

  it('refuses date-times without Z or an offset, which peers in other zones would read differently', function () {
    expect(() => requireDateTime('validFrom', '2026-03-01T08:00:00')).to.throw(/with Z or an offset/);
    expect(() => requireDateOrDateTime('receivedAt', '2026-03-01T08:00')).to.throw(/with Z or an offset/);
    expect(requireDateTime('validFrom', '2026-03-01T08:00:00+08:00')).to.equal('2026-03-01T00:00:00.000Z');
  });

  it('reads four-digit years from 1900', function () {
    expect(requireYear('year', '2025')).to.equal(2025);
    for (const bad of ['25', '1899', '20251', 'abcd', undefined]) expect(() => requireYear('year', bad)).to.throw(/^VALIDATION_FAILED: year/);
  });
});

describe('status rules', function () {
  it('allows active ⇄ suspended and active|suspended → revoked, and nothing else', function () {
    expect(nextStatus('active', 'suspend')).to.equal('suspended');
    expect(nextStatus('suspended', 'reinstate')).to.equal('active');
    expect(nextStatus('suspended', 'revoke')).to.equal('revoked');
    expect(() => nextStatus('revoked', 'reinstate')).to.throw(/^INVALID_TRANSITION/);
    expect(() => nextStatus('active', 'reinstate')).to.throw(/^INVALID_TRANSITION/);
  });

  it('takes a reason code from the list, free text as other, and screens the text', function () {
    expect(requireStatusReason('eligibility-ended', undefined)).to.deep.equal({ code: 'eligibility-ended' });
    expect(requireStatusReason(undefined, 'moved away')).to.deep.equal({ code: 'other', text: 'moved away' });
    expect(() => requireStatusReason('because', undefined)).to.throw(/reasonCode must be one of/);
    expect(() => requireStatusReason(undefined, undefined)).to.throw(/needs a reasonCode/);
    expect(() => requireStatusReason('other', undefined)).to.throw(/needs a reason/);
    expect(() => requireStatusReason('issued-in-error', '联系 13812345678')).to.throw(/^PERSONAL_DATA_REFUSED/);
  });
});

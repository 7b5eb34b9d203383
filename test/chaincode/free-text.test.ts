import { expect } from 'chai';
import { findPersonalData, requireFreeText, type PersonalDataKind } from '../../chaincode/src/free-text';

/** A case: what it is, the text, and what the screen should call it. */
type Refused = [label: string, text: string, kind: PersonalDataKind];

const ID = 'ID number';
const PHONE = 'phone number';
const CARD = 'bank card number';
const LONG = 'long run of digits';

/** 11010519491231002X passes GB 11643; 6222021001123456789 passes Luhn, 6222021001123456 does not. */
const cards: Refused[] = [
  ['a card grouped 4-4-4-4-3 with spaces', '卡号 6222 0210 0112 3456 789', CARD],
  ['a card grouped 4-4-4-4 with hyphens (no Luhn)', '6222-0210-0112-3456', CARD],
  ['a card grouped 4-4-4-4-3 with dots', '6222.0210.0112.3456.789', CARD],
  ['a card grouped 6-13', '622202 1001123456789', CARD],
  ['a card with mixed separators', '6222 0210-0112.3456 789', CARD],
  ['a card with spaced hyphens', '6222 - 0210 - 0112 - 3456', CARD],
  ['a card in full-width digits and ideographic spaces', '６２２２　０２１０　０１１２　３４５６　７８９', CARD],
  ['a card spelled digit by digit', '6 2 2 2 0 2 1 0 0 1 1 2 3 4 5 6 7 8 9', CARD],
  ['a Luhn-valid card in an irregular grouping', '62 220 2100 11 2345 6789', CARD],
];

const ids: Refused[] = [
  ['an ID split by dots', '110105.19491231.002X', ID],
  ['an ID split by slashes', '110105/19491231/002X', ID],
  ['an ID split by underscores', '110105_19491231_002X', ID],
  ['an ID split by em dashes', '110105—19491231—002X', ID],
  ['an ID split by en dashes', '110105–19491231–002X', ID],
  ['an ID split by middle dots', '110105·19491231·002X', ID],
  ['an ID split by mixed separators', '110105/1949.1231_002X', ID],
  ['an ID split by Chinese commas', '110105，19491231，002X', ID],
  ['an ID split by zero-width spaces', '110105\u200b1949\u200b1231\u200b002X', ID],
  ['an ID in Chinese numerals', '身份证一一〇一〇五一九四九一二三一〇〇二X', ID],
  ['an ID in financial numerals', '壹壹零壹零伍壹玖肆玖壹贰叁壹零零贰X', ID],
  ['an ID in Chinese numerals with spaces', '一一〇一〇五 一九四九一二三一 〇〇二X', ID],
  ['an ID in full-width digits split by full-width dots', '１１０１０５．１９４９１２３１．００２Ｘ', ID],
];

const phones: Refused[] = [
  ['a mobile split by dots', '138.1234.5678', PHONE],
  ['a mobile with 0086 and hyphens', '0086-138-1234-5678', PHONE],
  ['a mobile with +86 and spaces', '+86 138 1234 5678', PHONE],
  ['a mobile with (+86)', '(+86)13812345678', PHONE],
  ['a mobile with (+86) split by dots', '(+86)138.1234.5678', PHONE],
  ['a mobile with +86 split by dots', '+86.138.1234.5678', PHONE],
  ['a mobile in Chinese numerals with 幺', '幺三八幺二三四五六七八', PHONE],
  ['a mobile in Chinese numerals with spaces', '电话 一三八 一二三四 五六七八', PHONE],
  ['a mobile in Chinese numerals with 幺 and 两', '幺三八 幺两三四 五六七八', PHONE],
  ['a mobile in financial numerals', '壹叁捌壹贰叁肆伍陆柒捌', PHONE],
  ['a mobile mixing digits and Chinese numerals', '138一二三四5678', PHONE],
  ['a mobile in full-width digits split by full-width dots', '１３８．１２３４．５６７８', PHONE],
  ['a mobile in full-width forms with (+86)', '（＋８６）１３８．１２３４．５６７８', PHONE],
  ['a mobile in mathematical bold digits', '𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖', PHONE],
  ['a mobile in circled digits', '①③⑧①②③④⑤⑥⑦⑧', PHONE],
  ['a landline with the area code in parentheses', '(010)62345678', PHONE],
  ['a landline split by dots', '010.6234.5678', PHONE],
  ['a landline with +86', '+86 10 6234 5678', PHONE],
];

const long: Refused[] = [
  ['20 bare digits', '编号12345678901234567890', LONG],
  ['a separated run of 22 digits', '1234 5678 9012 3456 7890 12', LONG],
  ['10,000 characters of "1 "', '1 '.repeat(5_000), LONG],
  ['10,000 characters of digits and alternating separators', '1-2.3 4/5_'.repeat(1_000), LONG],
];

const allowed: Array<[label: string, text: string]> = [
  ['a date with hyphens', '2026-03-01'],
  ['a date with dots', '2026.03.01'],
  ['a date with slashes', '2026/3/1'],
  ['a date in Chinese', '2026年3月1日'],
  ['two dates', '2026-01-01 2026-12-31'],
  ['a date range with dots', '2026.01.01-2026.12.31'],
  ['three dates', '2026-01-01 2026-06-30 2026-12-31'],
  ['two date ranges', '2026.01.01-2026.06.30，2026.07.01-2026.12.31'],
  ['a date and a time', '2026-03-01 12:30:45'],
  ['an amount with a thousands separator', '1,234.56元'],
  ['an amount with ¥', '¥10000'],
  ['an amount with full-width ￥', '￥1,234,567.89'],
  ['a large amount', '金额 1,000,000 元'],
  ['a list of amounts', '100、200、300、400、500、600、700元'],
  ['an invoice number', '发票号 12345678'],
  ['an invoice code starting with 0', '发票代码 011001900111 号码 12345678'],
  ['a 12-digit invoice code', '发票代码 144031900111'],
  ['a time', '12:30'],
  ['a time range', '12:30-13:30'],
  ['a range', '1-10'],
  ['a range of households', '第1-10户'],
  ['a short number', 'Room 1203'],
  ['a list of batches', '第1、3、5、7、9、11、13、15批'],
  ['an address', '192.168.1.100'],
  ['a standard', 'GB 11643-1999'],
  ['a postcode', '邮编 100010'],
  ['an ordinal in Chinese numerals', '第三批'],
  ['an amount in Chinese numerals', '三百二十元'],
  ['a year in Chinese numerals', '二〇二六年三月'],
  ['a large amount in Chinese numerals', '一千三百八十一万二千三百四十五元'],
  ['an amount in financial numerals', '壹万贰仟叁佰肆拾伍元整'],
  ['words with numerals', '一一对应，三三两两，一五一十'],
  ['a numbered list in Chinese numerals', '第一、二、三、四、五、六、七、八、九组'],
  ['ordinary Chinese text with counts', '2026年1月至12月共发放12次，每次300元，合计3600元'],
];

describe('free-text screen', function () {
  for (const [label, text, kind] of [...cards, ...ids, ...phones, ...long]) {
    it(`refuses ${label}: ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}`, function () {
      expect(findPersonalData(text)).to.equal(kind);
      expect(() => requireFreeText('memo', text, 20_000)).to.throw(/^PERSONAL_DATA_REFUSED: memo contains what looks like/);
    });
  }

  for (const [label, text] of allowed) {
    it(`lets through ${label}: ${JSON.stringify(text)}`, function () {
      expect(findPersonalData(text)).to.equal(undefined);
      expect(requireFreeText('memo', text, 200)).to.equal(text);
    });
  }

  it('reads the decimal digits of every script the engine knows (its tables are written out, not read from the engine)', function () {
    const isDigit = (cp: number): boolean => /\p{Nd}/u.test(String.fromCodePoint(cp));
    const missed: string[] = [];
    for (let cp = 0; cp < 0x110000; cp++) {
      if (!isDigit(cp) || isDigit(cp - 1)) continue;
      const phone = [...'13812345678'].map((d) => String.fromCodePoint(cp + Number(d))).join('');
      if (findPersonalData(`tel ${phone}`) !== PHONE) missed.push(cp.toString(16));
    }
    expect(missed).to.deep.equal([]);
  });

  it('lets through 10,000 characters of list-separated digits and of dates, and still finds a phone at the end', function () {
    expect(findPersonalData('1、'.repeat(5_000))).to.equal(undefined);
    expect(findPersonalData('2026-01-01、'.repeat(900))).to.equal(undefined);
    expect(findPersonalData('a1'.repeat(5_000))).to.equal(undefined);
    expect(findPersonalData(`${'1、'.repeat(5_000)}13812345678`)).to.equal(PHONE);
    expect(findPersonalData(`${'第三批'.repeat(3_000)}幺三八幺二三四五六七八`)).to.equal(PHONE);
  });
});

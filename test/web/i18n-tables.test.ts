import { expect } from 'chai';
import commonZh from '../../web/src/i18n/common';
import commonEn from '../../web/src/i18n/common.en';
import publicZh from '../../web/src/i18n/public';
import publicEn from '../../web/src/i18n/public.en';
import registryZh from '../../web/src/i18n/registry';
import registryEn from '../../web/src/i18n/registry.en';
import charityZh from '../../web/src/i18n/charity';
import charityEn from '../../web/src/i18n/charity.en';
import auditZh from '../../web/src/i18n/audit';
import auditEn from '../../web/src/i18n/audit.en';

type Table = Readonly<Record<string, string>>;

const AREAS: Record<string, { zh: Table; en: Table }> = {
  common: { zh: commonZh, en: commonEn },
  public: { zh: publicZh, en: publicEn },
  registry: { zh: registryZh, en: registryEn },
  charity: { zh: charityZh, en: charityEn },
  audit: { zh: auditZh, en: auditEn },
};

/** The `{name}` values a message fills in, sorted. */
function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
}

describe('portal: translation tables', function () {
  for (const [area, { zh, en }] of Object.entries(AREAS)) {
    it(`${area}: English has exactly the Chinese keys, each with the same {values}`, function () {
      expect(Object.keys(en).sort()).to.deep.equal(Object.keys(zh).sort());
      for (const key of Object.keys(zh)) {
        expect(en[key], key).to.be.a('string').and.not.equal('');
        expect(placeholders(en[key]), key).to.deep.equal(placeholders(zh[key]));
      }
    });
  }

  it('no key is defined by two areas (a later table would silently win)', function () {
    const owner = new Map<string, string>();
    for (const [area, { zh }] of Object.entries(AREAS)) {
      for (const key of Object.keys(zh)) {
        expect(owner.get(key), `${key} in ${area}`).to.equal(undefined);
        owner.set(key, area);
      }
    }
  });
});

import { MSP, type CertificateType } from '../../../chaincode/src/models';
import { IDENTIFIER_FORMATS } from '../../../chaincode/src/schema';

const date = { type: 'string', format: 'date' };
const text = (maxLength = 200) => ({ type: 'string', minLength: 1, maxLength });
/** 统一社会信用代码, with its GB 32100 check character. */
const creditCode = { type: 'string', format: IDENTIFIER_FORMATS.creditCode };

/** The certificate types every fresh ledger starts with, all issued by civil affairs. */
export const SEED_TYPES: ReadonlyArray<Omit<CertificateType, 'registeredAt'>> = [
  {
    type: 'marriage-registration',
    title: '结婚登记 Marriage registration',
    issuerMsps: [MSP.civil],
    schema: {
      type: 'object',
      required: ['registrationNumber', 'registeredOn', 'spouse'],
      properties: {
        registrationNumber: text(64),
        registeredOn: date,
        registrationOffice: text(),
        spouse: {
          type: 'object',
          required: ['name'],
          properties: { name: text(), idNumber: text(64) },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
  },
  {
    type: 'low-income-household',
    title: '低保 Low-income household (minimum living allowance)',
    issuerMsps: [MSP.civil],
    schema: {
      type: 'object',
      required: ['householdSize', 'monthlyAllowanceFen', 'region'],
      properties: {
        householdSize: { type: 'integer', minimum: 1, maximum: 50 },
        monthlyAllowanceFen: { type: 'integer', minimum: 0, maximum: 100000000 },
        region: text(),
        approvedOn: date,
      },
      additionalProperties: false,
    },
  },
  {
    type: 'disability-subsidy',
    title: '残疾人两项补贴 Disability subsidy eligibility',
    issuerMsps: [MSP.civil],
    schema: {
      type: 'object',
      required: ['subsidyKind', 'disabilityGrade'],
      properties: {
        subsidyKind: { enum: ['living-allowance', 'nursing-allowance', 'both'] },
        disabilityGrade: { type: 'integer', minimum: 1, maximum: 4 },
        certificateNumber: text(64),
        region: text(),
      },
      additionalProperties: false,
    },
  },
  {
    type: 'elderly-care-institution',
    title: '养老机构备案 Elderly-care institution filing',
    issuerMsps: [MSP.civil],
    schema: {
      type: 'object',
      required: ['institutionName', 'creditCode', 'beds'],
      properties: {
        institutionName: text(),
        creditCode,
        beds: { type: 'integer', minimum: 1, maximum: 100000 },
        address: text(400),
      },
      additionalProperties: false,
    },
  },
  {
    type: 'charity-registration',
    title: '慈善组织登记 Charity registration',
    issuerMsps: [MSP.civil],
    schema: {
      type: 'object',
      required: ['charityName', 'creditCode', 'publicFundraising'],
      properties: {
        charityName: text(),
        creditCode,
        publicFundraising: { type: 'boolean' },
        registeredOn: date,
      },
      additionalProperties: false,
    },
  },
];

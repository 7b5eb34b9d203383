import type { Messages } from './index';

/** Messages of the audit pages. */
const messages: Messages = {
  'zh-CN': {},
  en: {},
};
export default messages;

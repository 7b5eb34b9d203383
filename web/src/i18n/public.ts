import type { Messages } from './index';

/** Messages of the public pages. */
const messages: Messages = {
  'zh-CN': {},
  en: {},
};
export default messages;

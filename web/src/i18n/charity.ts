import type { Messages } from './index';

/** Messages of the charity pages. */
const messages: Messages = {
  'zh-CN': {},
  en: {},
};
export default messages;

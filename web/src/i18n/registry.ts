import type { Messages } from './index';

/** Messages of the registry pages. */
const messages: Messages = {
  'zh-CN': {},
  en: {},
};
export default messages;

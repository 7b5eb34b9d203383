import { startEmbedded } from '../support/embedded-harness';
import { suite } from '.';

suite({ name: 'embedded', factory: () => startEmbedded() });

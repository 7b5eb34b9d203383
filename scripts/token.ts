import { runTokenCommand } from './dev-token';

void runTokenCommand(process.argv.slice(2)).then((code) => {
  if (code !== 0) process.exit(code);
});

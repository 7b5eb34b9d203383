import { runTokenCommand } from '../cli/dev-token';

void runTokenCommand(process.argv.slice(2)).then((code) => {
  if (code !== 0) process.exit(code);
});

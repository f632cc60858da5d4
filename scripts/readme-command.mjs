// Prints one of the README's two commands, so CI runs exactly what the README tells users.
// The commands are the fenced lines right after the "<!-- command:NAME -->" markers.
import { readFileSync } from 'node:fs';

const which = process.argv[2];
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const match = new RegExp(`<!-- command:${which} -->\\s*\`\`\`(?:sh|bash)?\\n([^\\n]+)\\n\`\`\``).exec(readme);
if (!match) {
  console.error(`README.md has no command marked <!-- command:${which} -->`);
  process.exit(2);
}
console.log(match[1].trim());

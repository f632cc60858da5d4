// Empties the package's dist before a build, so that a source file deleted or renamed since the
// last build leaves no stale module behind to be packed or imported. Run from a package folder.
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });

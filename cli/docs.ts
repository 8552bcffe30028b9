// Generates the documents derived from code: the application life-cycle diagram (from the one
// transition table). `npm run docs`; a test fails when the committed file is out of date.
import { writeFileSync } from 'node:fs';
import { lifecycleMarkdown } from '../core/domain/lifecycle-doc.ts';

writeFileSync(new URL('../docs/application-lifecycle.md', import.meta.url), lifecycleMarkdown());
console.log('docs/application-lifecycle.md written');

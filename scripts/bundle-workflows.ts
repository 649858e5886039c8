// `npm run build` step: bundles every workflow once into dist/workflow-bundle.js, which production workers
// load instead of bundling at start-up (faster start, the exact code that was tested and replayed).
import { mkdirSync, writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../workers/worker.ts';

const out = new URL('../dist/workflow-bundle.js', import.meta.url).pathname;
const { code } = await bundleWorkflowCode({ workflowsPath: workflowsPath() });
mkdirSync(new URL('../dist/', import.meta.url).pathname, { recursive: true });
writeFileSync(out, code);
console.log(`workflows regroupés dans ${out} (${Math.round(code.length / 1024)} Kio)`);

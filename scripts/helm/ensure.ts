// Prints the path of the helm binary the chart tests use, building it first if needed
// (scripts/helm/binary.ts). scripts/test.mjs runs it once per `npm test` and hands the path to
// the tests in SIDELANE_HELM, so parallel test files never race to build it.
import { helmBinary } from './binary.js';

const path = await helmBinary((message) => { process.stderr.write(`helm: ${message}\n`); });
process.stdout.write(`${path}\n`);

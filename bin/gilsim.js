#!/usr/bin/env node
// The gilsim command: the CLI compiled by `npm run build` (dist/bin, one bundled module), run by
// plain node. From a checkout, `npm install` builds it (prepare); `npm run gilsim` runs the source.
import { runProcess } from "../dist/bin/gilsim.js";

await runProcess();

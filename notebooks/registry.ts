import * as blockingCall from "./blocking-call.js";
import * as capacity from "./capacity.js";
import * as convoy from "./convoy.js";
import * as cpuBound from "./cpu-bound.js";
import * as freeThreaded from "./free-threaded.js";
import * as gilRelease from "./gil-release.js";
import * as ioBound from "./io-bound.js";
import type { NotebookModule } from "./lib/notebook.js";
import * as mixed from "./mixed.js";
import * as sockets from "./sockets.js";
import * as toThread from "./to-thread.js";
import * as validation from "./validation.js";
import * as workersThreads from "./workers-threads.js";
import * as yourApp from "./your-app.js";

/** Every notebook, in reading order. */
export const NOTEBOOKS: readonly NotebookModule[] = [
  ioBound,
  blockingCall,
  toThread,
  cpuBound,
  gilRelease,
  convoy,
  sockets,
  mixed,
  capacity,
  workersThreads,
  freeThreaded,
  validation,
  yourApp,
];

// @ts-check
// Worker thread of inspectFolder (pipeline/mirror/inspect.ts): hashes its share
// of a tree's files and posts the results back, in the order given.
import { parentPort, workerData } from 'node:worker_threads';
import { hashFiles } from './hash-files.mjs';

parentPort?.postMessage(hashFiles(workerData.files));

// Prints the per-rule precision/recall/F2 table of the labelled corpus:
//   npx tsx test/check/print-metrics.ts
import { printRuleTable } from './metrics.ts';

printRuleTable();

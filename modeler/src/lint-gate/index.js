import LintGate from './LintGate.js';

export default {
  __init__: ['lintGate'],
  lintGate: ['type', LintGate],
};

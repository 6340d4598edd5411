import FittedView from './FittedView.js';

export default {
  fittedView: ['type', FittedView],
};

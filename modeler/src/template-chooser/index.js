import TemplateChooser from './TemplateChooser.js';

export default {
  __init__: ['templateChooser'],
  templateChooser: ['type', TemplateChooser],
};

import LinkedForm from './LinkedForm.js';

export default {
  __init__: ['linkedForm'],
  linkedForm: ['type', LinkedForm],
};

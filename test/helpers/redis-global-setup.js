/* global require, module */
// eslint-disable-next-line @typescript-eslint/no-require-imports
module.exports = require('./redis-global').setup;

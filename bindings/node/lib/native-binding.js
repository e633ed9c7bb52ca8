'use strict'
// The native addon, loaded once by the napi-rs generated loader (`../native.js`), which finds
// `ditto-llm.<platform>.node` beside the package or the `@ditto/llm-<platform>` package.
module.exports = require('../native.js')

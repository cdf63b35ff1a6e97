// SPDX-License-Identifier: MIT
// Prints its arguments and Node flags as one JSON line, then stays up.
'use strict';
console.log(JSON.stringify({ argv: process.argv.slice(2), execArgv: process.execArgv }));
setInterval(() => {}, 1 << 30);

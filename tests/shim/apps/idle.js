// SPDX-License-Identifier: MIT
// Does a little work with no server at all, then has nothing left to do.
'use strict';
setTimeout(() => console.log(JSON.stringify({ event: 'done' })), 10);

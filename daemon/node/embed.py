#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Turn the Node preload script into a C array, so pmcd carries the shim that matches it.
import sys

src, out = sys.argv[1], sys.argv[2]
data = open(src, 'rb').read()
with open(out, 'w') as f:
    f.write('/* Generated from %s: do not edit. */\n' % src.split('/')[-1])
    f.write('#include <stddef.h>\n')
    f.write('const unsigned char pmc_shim_js[] = {\n')
    for i in range(0, len(data), 16):
        f.write('\t' + ', '.join('0x%02x' % b for b in data[i:i + 16]) + ',\n')
    f.write('};\n')
    f.write('const size_t pmc_shim_js_len = %d;\n' % len(data))

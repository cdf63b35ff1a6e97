/* SPDX-License-Identifier: MIT */
/* The release version and the wire protocol number that CLI and daemon compare. */
#ifndef PMC_VERSION_H
#define PMC_VERSION_H

#define PMC_VERSION	     "0.1.0"
#define PMC_PROTOCOL_VERSION 1

#endif

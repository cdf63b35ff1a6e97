/* SPDX-License-Identifier: MIT */
/* Drawing `pmc monit` with ncurses: list, sparklines, details, log pane, footer. */
#ifndef PMC_CMD_MONIT_VIEW_H
#define PMC_CMD_MONIT_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "monit-model.h"

/* What the screen shows besides the model. */
struct pmc_monit_view {
	bool logs; /* the log pane is shown */
	bool utf8; /* the terminal's encoding is UTF-8: block characters */
	bool color;
	int64_t now_ms;      /* wall clock, for uptimes */
	int64_t stale_ms;    /* how long since the last update, shown when long */
	const char *message; /* status line text, or NULL */
	bool message_err;
};

/* Set up colours (after newterm); color false keeps the screen monochrome. */
void pmc_monit_view_init(struct pmc_monit_view *v, bool color);
/* Draw everything on stdscr and refresh; moves m->top to keep the selection visible. */
void pmc_monit_view_draw(const struct pmc_monit_view *v, struct pmc_monit_model *m);

#endif

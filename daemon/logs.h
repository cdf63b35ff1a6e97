/* SPDX-License-Identifier: MIT */
/*
 * The log pipeline: every child stream read with backpressure, cut into lines,
 * formatted and written to its files, and streamed to `logs` followers.
 */
#ifndef PMC_DAEMON_LOGS_H
#define PMC_DAEMON_LOGS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <uv.h>

#include "logfile.h"
#include "logfmt.h"

struct pmc_call;

/* How one instance's output is logged (strings borrowed for the call only). */
struct pmc_log_spec {
	const char *name;          /* app name: JSON app_name, and what followers ask for */
	int pm_id;
	const char *combined_path; /* -l: both streams also go here; NULL: none */
	enum pmc_logfmt_kind kind;
	const char *date_fmt;      /* TIME prefix or JSON timestamp; NULL: the default */
	struct pmc_logfile_opts rotate;
};

struct pmc_logstream;
typedef void (*pmc_logstream_cb)(struct pmc_logstream *s, void *data);

/*
 * Read fd (the read end of a child's stdout or stderr pipe; taken over) until
 * end of file, writing to path (NULL: none) and spec's combined file; spec may
 * be NULL (raw, no combined file). While writes are pending the pipe is not
 * read, so a slow disk makes the app wait. cb runs once, when end of file was
 * reached and every byte read is written.
 */
struct pmc_logstream *pmc_logstream_start(uv_loop_t *loop, int fd, bool err, const char *path,
					  const struct pmc_log_spec *spec, pmc_logstream_cb cb,
					  void *data);
/* End of file reached and everything written. */
bool pmc_logstream_done(const struct pmc_logstream *s);
/*
 * The owner lets go: no callback any more. What the pipe holds now (bounded)
 * is still written, then the stream closes and frees itself.
 */
void pmc_logstream_close(struct pmc_logstream *s);

/*
 * Handing the pipe to a new daemon image (pmc update): hold stops reading, and
 * once held() says so, every byte read is in the files (a line cut short is
 * written as it is, for the next reader to continue); the unread rest waits in
 * the pipe, whose fd is pmc_logstream_fd (-1 once ended). resume undoes hold.
 */
void pmc_logstream_hold(struct pmc_logstream *s);
bool pmc_logstream_held(const struct pmc_logstream *s);
void pmc_logstream_resume(struct pmc_logstream *s);
int pmc_logstream_fd(const struct pmc_logstream *s);

/*
 * Daemon-wide settings: rotation defaults from HOME/pmcd.conf, and the
 * daemon's own log (redirected: stderr points at it and is reopened with the
 * log files). Problems with pmcd.conf are logged, not fatal.
 */
void pmc_logs_init(const char *home, const char *daemon_log, bool redirected);
void pmc_logs_fini(void);
/* Rotation defaults for apps that set none (pmcd.conf). */
const struct pmc_logfile_opts *pmc_logs_defaults(void);

typedef void (*pmc_logs_count_cb)(int n, void *data);
/* Read pmcd.conf again and reopen every log file and pmcd.log; cb(files) once done. */
void pmc_logs_reopen_all(pmc_logs_count_cb cb, void *data);
/* Truncate the daemon's own log; 0 or -errno. */
int pmc_logs_truncate_daemon_log(void);
const char *pmc_logs_daemon_log(void);
/*
 * Truncate one log file, between writes when it is open; cb(1 if it existed,
 * else 0) once done.
 */
void pmc_logs_truncate(const char *path, pmc_logs_count_cb cb, void *data);

/*
 * Stream the output of apps (NULL: every app, also those started later) to
 * call as "log" notifications {"pm_id","name","stream","data","at"} of whole
 * lines, once written, until its connection closes. The caller has replied with
 * pmc_call_reply_stream(call, ..., pmc_logs_follower_closed, returned pointer).
 */
void *pmc_logs_follow(uv_loop_t *loop, struct pmc_call *call, char **apps, bool out, bool err,
		      bool daemon_log);
void pmc_logs_follower_closed(struct pmc_call *call, void *follower);

/* Add log_error, log_error_at and log_dropped of these files to a list entry's env. */
void pmc_logs_status_json(cJSON *env, const char *const *paths, size_t n);

#endif

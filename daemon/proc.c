/* SPDX-License-Identifier: MIT */
/*
 * One spawned process: its own session and process group, stdout/stderr pipes
 * handed to the log pipeline (logs.c), and a graceful group stop (signal, then
 * SIGKILL).
 */
#include "proc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "logs.h"
#include "xmalloc.h"

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"
#define POLL_MS	     10	  /* group poll after the leader was reaped */
#define GIVE_UP_MS   5000 /* after SIGKILL, how long a group may take to empty */
#define EOF_GRACE_MS 1000 /* after the group is gone, how long its pipes may stay open */

#define PMC_PROC_MAX_EXTRA_FDS 32

struct pmc_proc {
	uv_loop_t *loop;
	uv_process_t process;
	uv_timer_t timer;
	struct pmc_logstream *out, *err; /* the pipes: read, formatted, written */
	int pid; /* also the process group id */
	pmc_proc_exit_cb cb;
	void *data;
	int handles;     /* initialised handles not closed yet */
	bool reaped;     /* libuv has waited for the leader */
	bool stopping;   /* pmc_proc_stop was called */
	bool killed;     /* SIGKILL went to the group */
	bool finished;   /* the group is gone (or was given up on) */
	bool waiting_eof; /* finished; the pipes are being drained */
	bool reported;   /* the exit was reported (or would have been) */
	bool released;   /* the owner let go: no callback any more */
	bool adopted;    /* spawned by an earlier image of this daemon: watched by pidfd */
	int pidfd;
	uv_poll_t pidpoll; /* instead of the process handle when adopted */
	uint64_t kill_deadline;
	uint64_t killed_at;
	struct pmc_sup_exit exit;
	struct pmc_proc *next_live; /* leaders libuv still waits for */
};

/* Leaders libuv will reap: the stray reaper must leave them alone. */
static struct pmc_proc *live_leaders;

static void live_remove(struct pmc_proc *proc)
{
	struct pmc_proc **pos;

	for (pos = &live_leaders; *pos; pos = &(*pos)->next_live) {
		if (*pos == proc) {
			*pos = proc->next_live;
			return;
		}
	}
}

/* ---- Signals ----------------------------------------------------------- */

static const struct {
	int num;
	const char *name;
} signal_table[] = {
	{ SIGHUP, "SIGHUP" },	  { SIGINT, "SIGINT" },	    { SIGQUIT, "SIGQUIT" },
	{ SIGILL, "SIGILL" },	  { SIGTRAP, "SIGTRAP" },   { SIGABRT, "SIGABRT" },
	{ SIGBUS, "SIGBUS" },	  { SIGFPE, "SIGFPE" },	    { SIGKILL, "SIGKILL" },
	{ SIGUSR1, "SIGUSR1" },	  { SIGSEGV, "SIGSEGV" },   { SIGUSR2, "SIGUSR2" },
	{ SIGPIPE, "SIGPIPE" },	  { SIGALRM, "SIGALRM" },   { SIGTERM, "SIGTERM" },
	{ SIGCHLD, "SIGCHLD" },	  { SIGCONT, "SIGCONT" },   { SIGSTOP, "SIGSTOP" },
	{ SIGTSTP, "SIGTSTP" },	  { SIGTTIN, "SIGTTIN" },   { SIGTTOU, "SIGTTOU" },
	{ SIGURG, "SIGURG" },	  { SIGXCPU, "SIGXCPU" },   { SIGXFSZ, "SIGXFSZ" },
	{ SIGVTALRM, "SIGVTALRM" }, { SIGPROF, "SIGPROF" }, { SIGWINCH, "SIGWINCH" },
	{ SIGIO, "SIGIO" },	  { SIGPWR, "SIGPWR" },	    { SIGSYS, "SIGSYS" },
};

#define N_SIGNALS (sizeof signal_table / sizeof signal_table[0])

/* "SIGINT", "int" or "2"; only signals in the table. */
int pmc_signal_parse(const char *name)
{
	char *end;
	long num;

	if (!name || !*name)
		return -EINVAL;
	if (isdigit((unsigned char)name[0])) {
		errno = 0;
		num = strtol(name, &end, 10);
		if (errno || *end)
			return -EINVAL;
		for (size_t i = 0; i < N_SIGNALS; i++)
			if (signal_table[i].num == num)
				return signal_table[i].num;
		return -EINVAL;
	}
	for (size_t i = 0; i < N_SIGNALS; i++) {
		const char *full = signal_table[i].name;
		if (strcasecmp(name, full) == 0 || strcasecmp(name, full + 3) == 0)
			return signal_table[i].num;
	}
	return -EINVAL;
}

/* The table's name, or "SIG?". */
const char *pmc_signal_name(int sig)
{
	for (size_t i = 0; i < N_SIGNALS; i++)
		if (signal_table[i].num == sig)
			return signal_table[i].name;
	return "SIG?";
}

/* ---- /proc ------------------------------------------------------------- */

/* Field 22 of /proc/PID/stat; with the pid, it names one process for good. */
uint64_t pmc_proc_start_ticks(int pid)
{
	char path[64], buf[4096];
	const char *p;
	ssize_t n;
	int fd, field;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm (field 2) may hold spaces and ')': fields resume after the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	p++;
	for (field = 3; *p; field++) {
		while (*p == ' ')
			p++;
		if (field == 22)
			return strtoull(p, NULL, 10);
		while (*p && *p != ' ')
			p++;
	}
	return 0;
}

/* ---- Lifetime ---------------------------------------------------------- */

static void proc_free(struct pmc_proc *proc)
{
	free(proc);
}

static void on_close(uv_handle_t *handle)
{
	struct pmc_proc *proc = handle->data;

	/* The process handle and the timer close only on release, so the
	 * last close callback always comes after it. */
	if (--proc->handles == 0 && proc->released)
		proc_free(proc);
}

static void close_handle(struct pmc_proc *proc, uv_handle_t *handle)
{
	(void)proc;
	if (!uv_is_closing(handle))
		uv_close(handle, on_close);
}

/* The pipes still write what they hold now, then close on their own; freed in the last close. */
void pmc_proc_release(struct pmc_proc *proc)
{
	if (!proc || proc->released)
		return;
	proc->released = true;
	live_remove(proc); /* a closed process handle is never reaped by libuv */
	pmc_logstream_close(proc->out);
	pmc_logstream_close(proc->err);
	proc->out = proc->err = NULL;
	close_handle(proc, (uv_handle_t *)&proc->timer);
	if (proc->adopted) {
		close_handle(proc, (uv_handle_t *)&proc->pidpoll);
		close(proc->pidfd);
	} else {
		close_handle(proc, (uv_handle_t *)&proc->process);
	}
}

/* The leader's pid, which is also the process group id. */
int pmc_proc_pid(const struct pmc_proc *proc)
{
	return proc->pid;
}

/* ---- The process group ------------------------------------------------- */

/*
 * Signals never hit a recycled pid: the group id is the leader's pid, and
 * the kernel cannot hand that number out again while either the leader is
 * unreaped (a zombie still holds it) or any member of the group remains (a
 * pgid in use is not reusable). So we signal the group only while the
 * leader is not reaped, or right after kill(-pgid, 0) showed members.
 */
static void group_signal(struct pmc_proc *proc, int sig)
{
	if (kill(-proc->pid, sig) < 0 && errno != ESRCH)
		pmc_log_warn("cannot send %s to process group %d: %s", pmc_signal_name(sig),
			     proc->pid, strerror(errno));
}

static bool group_alive(const struct pmc_proc *proc)
{
	return kill(-proc->pid, 0) == 0 || errno != ESRCH;
}

/*
 * As a subreaper we inherit the group's orphans; reap those that died, or
 * they stay zombies in the group forever when init does not reap (some
 * containers). Only after libuv reaped the leader: until then a wait on the
 * group could take the leader's status from libuv. No other child of ours
 * is in this group: every spawned process has its own.
 */
static void group_reap(const struct pmc_proc *proc)
{
	while (waitpid(-proc->pid, NULL, WNOHANG) > 0)
		;
}

static void report(struct pmc_proc *proc)
{
	proc->reported = true;
	proc->waiting_eof = false;
	uv_timer_stop(&proc->timer);
	if (!proc->released && proc->cb)
		proc->cb(proc, &proc->exit, proc->data);
}

static bool pipes_done(const struct pmc_proc *proc)
{
	return pmc_logstream_done(proc->out) && pmc_logstream_done(proc->err);
}

static void on_timer(uv_timer_t *timer);

/*
 * The group is gone. What it wrote just before is in the files before the
 * exit is reported: we wait for both pipes to end and their writes to finish,
 * but not for long, since something that left the group may hold them open.
 */
static void finish(struct pmc_proc *proc)
{
	proc->finished = true;
	uv_timer_stop(&proc->timer);
	if (proc->released || pipes_done(proc)) {
		report(proc);
		return;
	}
	proc->waiting_eof = true;
	uv_timer_start(&proc->timer, on_timer, EOF_GRACE_MS, 0);
}

static void on_stream_done(struct pmc_logstream *s, void *data)
{
	struct pmc_proc *proc = data;

	(void)s;
	if (proc->waiting_eof && pipes_done(proc))
		report(proc);
}

/* The leader is gone: report once the group is empty, killing what is left. */
static void check_group(struct pmc_proc *proc)
{
	uint64_t now = uv_now(proc->loop);

	group_reap(proc);
	if (!group_alive(proc)) {
		finish(proc);
		return;
	}
	if (!proc->killed && (!proc->stopping || now >= proc->kill_deadline)) {
		/* An unexpected exit leaves nothing behind; a stop had its grace. */
		group_signal(proc, SIGKILL);
		proc->killed = true;
		proc->killed_at = now;
	} else if (proc->killed && now - proc->killed_at >= GIVE_UP_MS) {
		pmc_log_warn("process group %d still has members %d ms after SIGKILL; "
			     "reporting its exit anyway",
			     proc->pid, GIVE_UP_MS);
		finish(proc);
		return;
	}
	uv_timer_start(&proc->timer, on_timer, POLL_MS, 0);
}

static void on_timer(uv_timer_t *timer)
{
	struct pmc_proc *proc = timer->data;

	if (proc->waiting_eof) {
		report(proc); /* pipes held open past the grace: report anyway */
		return;
	}
	if (proc->reaped) {
		check_group(proc);
		return;
	}
	/* kill_timeout passed and the leader is not reaped: its pid is still ours. */
	group_signal(proc, SIGKILL);
	proc->killed = true;
	proc->killed_at = uv_now(proc->loop);
}

static void leader_exited(struct pmc_proc *proc, int64_t status, int term_signal)
{
	proc->reaped = true;
	live_remove(proc);
	proc->exit.code = term_signal ? -1 : (int)status;
	proc->exit.signal = term_signal;
	if (proc->released)
		return;
	uv_timer_stop(&proc->timer);
	check_group(proc);
}

static void on_process_exit(uv_process_t *process, int64_t status, int term_signal)
{
	leader_exited(process->data, status, term_signal);
}

/* An adopted leader is still our child (exec kept the pid): reap it when its pidfd says so. */
static void on_pidfd(uv_poll_t *poll, int status, int events)
{
	struct pmc_proc *proc = poll->data;
	int st;
	pid_t r;

	(void)status;
	(void)events;
	do
		r = waitpid(proc->pid, &st, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return;
	uv_poll_stop(poll);
	if (r < 0) {
		leader_exited(proc, -1, 0); /* reaped elsewhere: the status is unknown */
		return;
	}
	leader_exited(proc, WIFEXITED(st) ? WEXITSTATUS(st) : 0, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* Signal the group now, SIGKILL it at the deadline; only the first call counts. */
void pmc_proc_stop(struct pmc_proc *proc, int sig, int64_t kill_timeout_ms)
{
	if (proc->stopping || proc->finished || proc->reported || proc->released)
		return;
	proc->stopping = true;
	if (proc->reaped)
		return; /* an exit is being handled; its group was already killed */
	if (kill_timeout_ms < 0)
		kill_timeout_ms = 0;
	group_signal(proc, sig);
	proc->kill_deadline = uv_now(proc->loop) + (uint64_t)kill_timeout_ms;
	uv_timer_start(&proc->timer, on_timer, (uint64_t)kill_timeout_ms, 0);
}

/* ---- Spawning ---------------------------------------------------------- */

static bool is_executable_file(const char *path, int *err)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	if (access(path, X_OK) == 0)
		return true;
	*err = -EACCES;
	return false;
}

/*
 * execvp would search the daemon's PATH; the app's own PATH (from envp)
 * decides instead. Returns the file to exec, or NULL with *err.
 */
static char *find_exec(const char *argv0, char *const *envp, const char *cwd, int *err)
{
	const char *path = DEFAULT_PATH;

	*err = -ENOENT;
	if (strchr(argv0, '/'))
		return xstrdup(argv0);
	for (size_t i = 0; envp && envp[i]; i++)
		if (strncmp(envp[i], "PATH=", 5) == 0)
			path = envp[i] + 5;
	while (path) {
		const char *colon = strchr(path, ':');
		int len = colon ? (int)(colon - path) : (int)strlen(path);
		char *cand;

		if (len == 0)
			cand = xasprintf("%s/%s", cwd, argv0);
		else if (path[0] == '/')
			cand = xasprintf("%.*s/%s", len, path, argv0);
		else
			cand = xasprintf("%s/%.*s/%s", cwd, len, path, argv0);
		if (is_executable_file(cand, err))
			return cand;
		free(cand);
		path = colon ? colon + 1 : NULL;
	}
	return NULL;
}

static void become_subreaper(void)
{
	static bool done;

	/* Orphans of our groups come to us, so group_reap can reap them. */
	if (!done && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		pmc_log_warn("cannot become a child subreaper: %s", strerror(errno));
	done = true;
}

static int spawn(struct pmc_proc *proc, const struct pmc_proc_spec *spec, const int *writers,
		 char **cause)
{
	uv_process_options_t opts = { 0 };
	uv_stdio_container_t stdio[3 + PMC_PROC_MAX_EXTRA_FDS];
	struct stat st;
	size_t i;
	char *file;
	int err;

	err = stat(spec->cwd, &st) < 0 ? -errno : S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	if (err < 0) {
		*cause = xasprintf("cannot use cwd %s: %s", spec->cwd, strerror(-err));
		return err;
	}
	file = find_exec(spec->argv[0], spec->envp, spec->cwd, &err);
	if (!file) {
		*cause = xasprintf("cannot exec %s: %s", spec->argv[0], strerror(-err));
		return err;
	}
	stdio[0].flags = UV_IGNORE;
	/* Our own pipes, so their read ends can be polled and spliced from. */
	stdio[1].flags = UV_INHERIT_FD;
	stdio[1].data.fd = writers[0];
	stdio[2].flags = UV_INHERIT_FD;
	stdio[2].data.fd = writers[1];
	opts.exit_cb = on_process_exit;
	opts.file = file;
	opts.args = (char **)spec->argv;
	opts.env = (char **)spec->envp;
	opts.cwd = spec->cwd;
	opts.flags = UV_PROCESS_DETACHED; /* setsid: own session, pgid == pid */
	if (spec->n_extra_fds > PMC_PROC_MAX_EXTRA_FDS) {
		*cause = xasprintf("too many sockets to pass (%zu, at most %d)", spec->n_extra_fds,
				   PMC_PROC_MAX_EXTRA_FDS);
		free(file);
		return -E2BIG;
	}
	for (i = 0; i < spec->n_extra_fds; i++) {
		stdio[3 + i].flags = UV_INHERIT_FD;
		stdio[3 + i].data.fd = spec->extra_fds[i];
	}
	opts.stdio_count = 3 + (int)spec->n_extra_fds;
	opts.stdio = stdio;
	become_subreaper();
	proc->handles++; /* uv_spawn initialises the handle even when it fails */
	err = uv_spawn(proc->loop, &proc->process, &opts);
	proc->process.data = proc;
	if (err < 0)
		*cause = xasprintf("cannot exec %s: %s", spec->argv[0], strerror(-err));
	free(file);
	return err;
}

static int make_pipes(int readers[2], int writers[2], char **cause)
{
	int out[2], err[2];

	if (pipe2(out, O_CLOEXEC) < 0) {
		*cause = xasprintf("cannot create a pipe: %s", strerror(errno));
		return -errno;
	}
	if (pipe2(err, O_CLOEXEC) < 0) {
		int e = errno;
		close(out[0]);
		close(out[1]);
		*cause = xasprintf("cannot create a pipe: %s", strerror(e));
		return -e;
	}
	readers[0] = out[0];
	writers[0] = out[1];
	readers[1] = err[0];
	writers[1] = err[1];
	return 0;
}

/* On failure nothing runs and the memory goes with the close callbacks. */
int pmc_proc_spawn(uv_loop_t *loop, const struct pmc_proc_spec *spec, pmc_proc_exit_cb cb,
		   void *data, struct pmc_proc **out, char **cause)
{
	struct pmc_proc *proc = xcalloc(1, sizeof *proc);
	int readers[2] = { -1, -1 }, writers[2] = { -1, -1 };
	int err;

	*out = NULL;
	proc->loop = loop;
	proc->cb = cb;
	proc->data = data;
	proc->exit.code = -1;
	uv_timer_init(loop, &proc->timer);
	proc->timer.data = proc;
	proc->handles = 1;

	if (!spec->argv || !spec->argv[0] || !spec->cwd) {
		*cause = xstrdup("nothing to exec");
		err = -EINVAL;
		goto out;
	}
	err = make_pipes(readers, writers, cause);
	if (err == 0)
		err = spawn(proc, spec, writers, cause);
	for (int i = 0; i < 2; i++)
		if (writers[i] >= 0)
			close(writers[i]); /* the child has them: EOF comes when it is gone */
	if (err == 0) {
		proc->pid = proc->process.pid;
		proc->next_live = live_leaders;
		live_leaders = proc;
		proc->out = pmc_logstream_start(loop, readers[0], false, spec->out_path, spec->log,
						on_stream_done, proc);
		proc->err = pmc_logstream_start(loop, readers[1], true, spec->err_path, spec->log,
						on_stream_done, proc);
		*out = proc;
	}
out:
	if (err < 0) {
		/* Nothing ran; the memory goes with the last close callback. */
		for (int i = 0; i < 2; i++)
			if (readers[i] >= 0)
				close(readers[i]);
		proc->released = true;
		close_handle(proc, (uv_handle_t *)&proc->timer);
		if (proc->handles == 2)
			close_handle(proc, (uv_handle_t *)&proc->process);
	}
	return err;
}

int pmc_proc_adopt(uv_loop_t *loop, int pid, int out_fd, int err_fd,
		   const struct pmc_proc_spec *spec, pmc_proc_exit_cb cb, void *data,
		   struct pmc_proc **out, char **cause)
{
	struct pmc_proc *proc;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

	*out = NULL;
	if (pidfd < 0) {
		*cause = xasprintf("cannot watch pid %d: %s", pid, strerror(errno));
		return -errno;
	}
	fcntl(pidfd, F_SETFD, FD_CLOEXEC);
	proc = xcalloc(1, sizeof *proc);
	proc->loop = loop;
	proc->cb = cb;
	proc->data = data;
	proc->exit.code = -1;
	proc->pid = pid;
	proc->adopted = true;
	proc->pidfd = pidfd;
	uv_timer_init(loop, &proc->timer);
	proc->timer.data = proc;
	uv_poll_init(loop, &proc->pidpoll, pidfd);
	proc->pidpoll.data = proc;
	proc->handles = 2;
	become_subreaper();
	proc->next_live = live_leaders;
	live_leaders = proc;
	proc->out = out_fd >= 0 ? pmc_logstream_start(loop, out_fd, false, spec->out_path, spec->log,
						      on_stream_done, proc)
				: NULL;
	proc->err = err_fd >= 0 ? pmc_logstream_start(loop, err_fd, true, spec->err_path, spec->log,
						      on_stream_done, proc)
				: NULL;
	uv_poll_start(&proc->pidpoll, UV_READABLE, on_pidfd);
	*out = proc;
	return 0;
}

void pmc_proc_hold(struct pmc_proc *proc, bool hold)
{
	struct pmc_logstream *streams[] = { proc->out, proc->err };

	for (int i = 0; i < 2; i++) {
		if (!streams[i])
			continue;
		if (hold)
			pmc_logstream_hold(streams[i]);
		else
			pmc_logstream_resume(streams[i]);
	}
}

bool pmc_proc_held(const struct pmc_proc *proc)
{
	return (!proc->out || pmc_logstream_held(proc->out)) &&
	       (!proc->err || pmc_logstream_held(proc->err));
}

void pmc_proc_fds(const struct pmc_proc *proc, int *out_fd, int *err_fd)
{
	*out_fd = proc->out ? pmc_logstream_fd(proc->out) : -1;
	*err_fd = proc->err ? pmc_logstream_fd(proc->err) : -1;
}

bool pmc_proc_busy(const struct pmc_proc *proc)
{
	return proc->stopping || proc->reaped || proc->finished;
}

static bool is_live_leader(int pid)
{
	const struct pmc_proc *proc;

	for (proc = live_leaders; proc; proc = proc->next_live)
		if (proc->pid == pid)
			return true;
	return false;
}

/*
 * A descendant that left its group (setsid) and died is our zombie, since we
 * are a subreaper. Reap such strays, but never a leader libuv still waits for.
 */
void pmc_proc_reap_strays(void)
{
	char path[64], buf[4096];
	ssize_t n;
	char *p, *end;
	int fd;

	snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (p = buf;; p = end) {
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid > 0 && !is_live_leader((int)pid))
			waitpid((pid_t)pid, NULL, WNOHANG);
	}
}

/* SPDX-License-Identifier: MIT */
/*
 * One spawned process: its own session and process group, stdout/stderr pipes
 * appended to log files, and a graceful group stop (signal, then SIGKILL).
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
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "paths.h"
#include "xmalloc.h"

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"
#define POLL_MS	     10	       /* group poll after the leader was reaped */
#define GIVE_UP_MS   5000      /* after SIGKILL, how long a group may take to empty */
#define DRAIN_MAX    (4 << 20) /* bytes one synchronous drain may take from a pipe */

#define PMC_PROC_MAX_EXTRA_FDS 32

struct stream {
	uv_pipe_t pipe;
	char *path;  /* log file; NULL = discard */
	int fd;      /* the open log file, or -1 */
	bool warned; /* a write error was logged and nothing succeeded since */
};

struct pmc_proc {
	uv_loop_t *loop;
	uv_process_t process;
	uv_timer_t timer;
	struct stream out, err;
	int pid; /* also the process group id */
	pmc_proc_exit_cb cb;
	void *data;
	int handles;     /* initialised handles not closed yet */
	bool reaped;     /* libuv has waited for the leader */
	bool stopping;   /* pmc_proc_stop was called */
	bool killed;     /* SIGKILL went to the group */
	bool finished;   /* the exit was reported (or would have been) */
	bool released;   /* the owner let go: no callback any more */
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

/*
 * Read callbacks consume the bytes before returning, and libuv calls
 * alloc_cb and read_cb back to back, so every pipe can share one buffer
 * (a buffer per pipe would cost 64 KiB per app).
 */
static char read_buf[65536];

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

/* ---- Logs -------------------------------------------------------------- */

static int stream_open_log(struct stream *s, const char *path, char **cause)
{
	char *dir, *slash;
	int err = 0;

	s->fd = -1;
	if (!path)
		return 0;
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	s->path = xstrdup(path);
	if (slash && slash != dir) {
		*slash = '\0';
		err = pmc_mkdir_p(dir, 0750);
	}
	if (err == 0) {
		s->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (s->fd < 0)
			err = -errno;
	}
	if (err < 0)
		*cause = xasprintf("cannot open log file %s: %s", path, strerror(-err));
	free(dir);
	return err;
}

/* Append; on a write error, warn once and drop the chunk so the app never blocks. */
static void stream_write(struct stream *s, const char *data, size_t len)
{
	if (s->fd < 0)
		return;
	while (len > 0) {
		ssize_t n = write(s->fd, data, len);
		if (n > 0) {
			data += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (!s->warned)
			pmc_log_warn("cannot write to %s: %s; dropping %zu bytes", s->path,
				     n < 0 ? strerror(errno) : "nothing written", len);
		s->warned = true;
		return;
	}
	s->warned = false;
}

static void on_close(uv_handle_t *handle);

/* The pipe ended: no more reads, log file closed, handle closing. */
static void stream_end(struct stream *s)
{
	if (uv_is_closing((uv_handle_t *)&s->pipe))
		return;
	uv_read_stop((uv_stream_t *)&s->pipe);
	uv_close((uv_handle_t *)&s->pipe, on_close);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/*
 * Take what is already in the pipe now, without waiting for libuv: the
 * bytes the group wrote before it died are in the file when the exit is
 * reported. Bounded, in case something that escaped the group keeps writing.
 */
static void stream_drain(struct stream *s)
{
	size_t total = 0;
	uv_os_fd_t fd;

	if (uv_is_closing((uv_handle_t *)&s->pipe) ||
	    uv_fileno((uv_handle_t *)&s->pipe, &fd) != 0)
		return;
	while (total < DRAIN_MAX) {
		ssize_t n = read(fd, read_buf, sizeof read_buf);
		if (n > 0) {
			stream_write(s, read_buf, (size_t)n);
			total += (size_t)n;
		} else if (n == 0) {
			stream_end(s);
			return;
		} else if (errno != EINTR) {
			return; /* EAGAIN: empty for now */
		}
	}
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
	(void)handle;
	(void)suggested;
	*buf = uv_buf_init(read_buf, sizeof read_buf);
}

static struct stream *stream_of(struct pmc_proc *proc, const void *handle)
{
	return handle == &proc->out.pipe ? &proc->out : &proc->err;
}

static void on_read(uv_stream_t *handle, ssize_t n, const uv_buf_t *buf)
{
	struct stream *s = stream_of(handle->data, handle);

	if (n > 0)
		stream_write(s, buf->base, (size_t)n);
	else if (n < 0)
		stream_end(s); /* UV_EOF, or the pipe broke */
}

static void read_start(struct stream *s)
{
	int err = uv_read_start((uv_stream_t *)&s->pipe, on_alloc, on_read);

	if (err < 0) {
		pmc_log_warn("cannot read from a child's pipe: %s", uv_strerror(err));
		stream_end(s);
	}
}

/* ---- Lifetime ---------------------------------------------------------- */

static void proc_free(struct pmc_proc *proc)
{
	free(proc->out.path);
	free(proc->err.path);
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

/* Takes what the pipes hold now, then closes every handle; freed in the last close. */
void pmc_proc_release(struct pmc_proc *proc)
{
	if (!proc || proc->released)
		return;
	proc->released = true;
	live_remove(proc); /* a closed process handle is never reaped by libuv */
	stream_drain(&proc->out);
	stream_drain(&proc->err);
	stream_end(&proc->out);
	stream_end(&proc->err);
	close_handle(proc, (uv_handle_t *)&proc->timer);
	close_handle(proc, (uv_handle_t *)&proc->process);
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

static void finish(struct pmc_proc *proc)
{
	proc->finished = true;
	uv_timer_stop(&proc->timer);
	stream_drain(&proc->out);
	stream_drain(&proc->err);
	if (!proc->released && proc->cb)
		proc->cb(proc, &proc->exit, proc->data);
}

static void on_timer(uv_timer_t *timer);

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

	if (proc->reaped) {
		check_group(proc);
		return;
	}
	/* kill_timeout passed and the leader is not reaped: its pid is still ours. */
	group_signal(proc, SIGKILL);
	proc->killed = true;
	proc->killed_at = uv_now(proc->loop);
}

static void on_process_exit(uv_process_t *process, int64_t status, int term_signal)
{
	struct pmc_proc *proc = process->data;

	proc->reaped = true;
	live_remove(proc);
	proc->exit.code = term_signal ? -1 : (int)status;
	proc->exit.signal = term_signal;
	if (proc->released)
		return;
	uv_timer_stop(&proc->timer);
	check_group(proc);
}

/* Signal the group now, SIGKILL it at the deadline; only the first call counts. */
void pmc_proc_stop(struct pmc_proc *proc, int sig, int64_t kill_timeout_ms)
{
	if (proc->stopping || proc->finished || proc->released)
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

static int spawn(struct pmc_proc *proc, const struct pmc_proc_spec *spec, char **cause)
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
	/* Flags are from the child's side: it writes, we read. */
	stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[1].data.stream = (uv_stream_t *)&proc->out.pipe;
	stdio[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[2].data.stream = (uv_stream_t *)&proc->err.pipe;
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

/* On failure nothing runs and the memory goes with the close callbacks. */
int pmc_proc_spawn(uv_loop_t *loop, const struct pmc_proc_spec *spec, pmc_proc_exit_cb cb,
		   void *data, struct pmc_proc **out, char **cause)
{
	struct pmc_proc *proc = xcalloc(1, sizeof *proc);
	int err;

	*out = NULL;
	proc->loop = loop;
	proc->cb = cb;
	proc->data = data;
	proc->exit.code = -1;
	uv_pipe_init(loop, &proc->out.pipe, 0);
	uv_pipe_init(loop, &proc->err.pipe, 0);
	uv_timer_init(loop, &proc->timer);
	proc->out.pipe.data = proc;
	proc->err.pipe.data = proc;
	proc->timer.data = proc;
	proc->handles = 3;
	proc->out.fd = proc->err.fd = -1;

	if (!spec->argv || !spec->argv[0] || !spec->cwd) {
		*cause = xstrdup("nothing to exec");
		err = -EINVAL;
		goto out;
	}
	err = stream_open_log(&proc->out, spec->out_path, cause);
	if (err == 0)
		err = stream_open_log(&proc->err, spec->err_path, cause);
	if (err == 0)
		err = spawn(proc, spec, cause);
	if (err == 0) {
		proc->pid = proc->process.pid;
		proc->next_live = live_leaders;
		live_leaders = proc;
		read_start(&proc->out);
		read_start(&proc->err);
		*out = proc;
	}
out:
	if (err < 0) {
		/* Nothing ran; the memory goes with the last close callback. */
		proc->released = true;
		stream_end(&proc->out);
		stream_end(&proc->err);
		close_handle(proc, (uv_handle_t *)&proc->timer);
		if (proc->handles == 4)
			close_handle(proc, (uv_handle_t *)&proc->process);
	}
	return err;
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

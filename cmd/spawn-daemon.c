/* SPDX-License-Identifier: MIT */
/* Reaching the daemon: connect to rpc.sock, and start pmcd on demand under spawn.lock. */
#include "spawn-daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "xmalloc.h"

/* The fd number pmcd finds its readiness pipe on. */
#define READY_FD 3

static bool no_listener(int err)
{
	return err == -ENOENT || err == -ECONNREFUSED;
}

static bool executable(const char *path)
{
	return access(path, X_OK) == 0;
}

char *pmc_daemon_find_pmcd(void)
{
	static const char *const beside[] = { "/" PMC_PMCD_NAME, "/../daemon/" PMC_PMCD_NAME };
	const char *env = getenv("PMC_PMCD");
	char self[PATH_MAX];
	ssize_t n;
	size_t i;

	if (env && *env)
		return xstrdup(env);
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return NULL;
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	for (i = 0; i < sizeof beside / sizeof beside[0]; i++) {
		char *path = xasprintf("%s%s", self, beside[i]);
		if (executable(path))
			return path;
		free(path);
	}
	return NULL;
}

/* Reset what exec keeps and the daemon must not inherit: ignored/blocked signals. */
static void reset_signals(void)
{
	sigset_t none;

	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void close_from(int lowest)
{
	int fd, max;

	if (syscall(SYS_close_range, (unsigned)lowest, ~0U, 0) == 0)
		return;
	max = (int)sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = lowest; fd < max; fd++)
		close(fd);
}

/*
 * In the child: a new session, stdio away from the caller's terminal and pipes
 * (stdout and stdin on /dev/null, stderr appended to pmcd.log for crashes
 * before the daemon's own logging starts; in the foreground only stdin is
 * moved), the readiness pipe on READY_FD and no other fd, then exec pmcd.
 */
static void __attribute__((noreturn)) exec_daemon(const char *pmcd, int ready, const char *log,
						  bool foreground)
{
	char fd_arg[16];
	char *argv[] = { (char *)PMC_PMCD_NAME, (char *)"--ready-fd", fd_arg, NULL, NULL };
	int null, err_fd, high;

	setsid();
	high = fcntl(ready, F_DUPFD_CLOEXEC, 10);
	null = open("/dev/null", O_RDWR);
	err_fd = foreground ? -1 : open(log, O_WRONLY | O_APPEND | O_CREAT, 0600);
	if (high < 0 || null < 0)
		_exit(127);
	dup2(null, 0);
	if (foreground) {
		argv[3] = (char *)"--foreground";
	} else {
		dup2(null, 1);
		dup2(err_fd >= 0 ? err_fd : null, 2);
	}
	dup2(high, READY_FD);
	close_from(READY_FD + 1);
	reset_signals();
	snprintf(fd_arg, sizeof fd_arg, "%d", READY_FD);
	if (pmcd) {
		argv[0] = (char *)pmcd;
		execv(pmcd, argv);
	} else {
		execvp(PMC_PMCD_NAME, argv);
	}
	dprintf(READY_FD, "error: cannot run %s: %s\n", pmcd ? pmcd : PMC_PMCD_NAME,
		strerror(errno));
	_exit(127);
}

/* Read one line (without '\n') from fd until deadline; NULL on EOF or timeout. */
static char *read_line(int fd, int64_t deadline, bool *timed_out)
{
	char buf[4096];
	size_t len = 0;
	ssize_t n;

	*timed_out = false;
	while (len < sizeof buf - 1) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - pmc_clock_mono_ms();
		if (left <= 0) {
			*timed_out = true;
			return NULL;
		}
		if (poll(&pfd, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		if (!pfd.revents)
			continue;
		n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (memchr(buf, '\n', len))
			break;
	}
	if (len == 0)
		return NULL;
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return xstrdup(buf);
}

/* Why a child that closed its readiness pipe without a word went away. */
static char *silent_exit_cause(pid_t pid)
{
	int status, fd;

	/* The pipe closes as the child exits; give the kernel a moment to mark it a zombie. */
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd >= 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		while (poll(&pfd, 1, 5000) < 0 && errno == EINTR)
			;
		close(fd);
	}
	if (waitpid(pid, &status, WNOHANG) != pid)
		return xstrdup("it closed its readiness pipe without reporting");
	if (WIFEXITED(status))
		return xasprintf("it exited with status %d before reporting readiness",
				 WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		return xasprintf("it was killed by signal %d (%s) before reporting readiness",
				 WTERMSIG(status), strsignal(WTERMSIG(status)));
	return xstrdup("it stopped before reporting readiness");
}

int pmc_daemon_spawn(const struct pmc_paths *paths, bool foreground, pid_t *out, char **cause)
{
	char *pmcd = pmc_daemon_find_pmcd();
	char *line = NULL, *why = NULL;
	bool timed_out;
	int fds[2], err = -1;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		*cause = xasprintf("the daemon did not start: pipe: %s", strerror(errno));
		goto out;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		exec_daemon(pmcd, fds[1], paths->log, foreground);
	/* Only the child may hold the write end, so that its exit reads as EOF here. */
	close(fds[1]);
	if (pid < 0) {
		*cause = xasprintf("the daemon did not start: fork: %s", strerror(errno));
		close(fds[0]);
		goto out;
	}
	line = read_line(fds[0], pmc_clock_mono_ms() + PMC_DAEMON_READY_TIMEOUT_MS, &timed_out);
	close(fds[0]);
	if (line && strcmp(line, "ok") == 0) {
		*out = pid;
		err = 0;
		goto out;
	}
	if (line && strncmp(line, "error: ", 7) == 0)
		why = xstrdup(line + 7);
	else if (line)
		why = xasprintf("unexpected readiness message '%s'", line);
	else if (timed_out)
		why = xasprintf("no readiness report within %d s", PMC_DAEMON_READY_TIMEOUT_MS / 1000);
	else
		why = silent_exit_cause(pid);
	if (line)
		waitpid(pid, NULL, WNOHANG);
	*cause = xasprintf("the daemon did not start: %s (see %s)", why, paths->log);
out:
	free(why);
	free(line);
	free(pmcd);
	return err;
}

static char *connect_cause(const struct pmc_paths *paths, int err)
{
	if (err == -ENAMETOOLONG)
		return xasprintf("socket path %s does not fit in a Unix socket address: choose a "
				 "shorter PMC_HOME",
				 paths->sock);
	return xasprintf("cannot connect to the daemon at %s: %s", paths->sock, strerror(-err));
}

int pmc_daemon_connect(const struct pmc_paths *paths, bool autostart, struct pmc_client *c,
		       char **cause)
{
	int lock_fd, err;

	*cause = NULL;
	err = pmc_client_connect(c, paths->sock);
	if (err == 0)
		return 0;
	if (!autostart || !no_listener(err)) {
		*cause = no_listener(err) ? xstrdup("no daemon running") : connect_cause(paths, err);
		return err;
	}
	err = pmc_paths_mkdirs(paths, cause);
	if (err < 0)
		return err;
	lock_fd = open(paths->spawn_lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock_fd < 0) {
		err = -errno;
		*cause = xasprintf("cannot open %s: %s", paths->spawn_lock, strerror(errno));
		return err;
	}
	while ((err = flock(lock_fd, LOCK_EX)) < 0 && errno == EINTR)
		;
	if (err < 0) {
		err = -errno;
		*cause = xasprintf("cannot lock %s: %s", paths->spawn_lock, strerror(errno));
		goto out;
	}
	/* Another client may have started it while this one waited for the lock. */
	err = pmc_client_connect(c, paths->sock);
	if (err == 0 || !no_listener(err))
		goto out;
	if (pmc_daemon_spawn(paths, false, &(pid_t){ 0 }, cause) < 0) {
		err = -ECHILD;
		goto out;
	}
	err = pmc_client_connect(c, paths->sock);
out:
	if (err < 0 && !*cause)
		*cause = connect_cause(paths, err);
	close(lock_fd);
	return err;
}

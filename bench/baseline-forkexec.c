/* SPDX-License-Identifier: MIT */
/* Baseline spawner: fork+exec a program N times, either waiting for each or keeping all alive. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Fork and exec argv; return the pid once the exec has happened (the close-on-exec pipe
 * reads EOF), or -1 when it failed.
 */
static pid_t spawn(char **argv)
{
	int p[2], err = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		execvp(argv[0], argv);
		err = errno;
		/* The parent reads errno instead of EOF: the exec failed. */
		if (write(p[1], &err, sizeof err) != (ssize_t)sizeof err)
			_exit(126);
		_exit(127);
	}
	if (pid < 0)
		err = errno;
	close(p[1]);
	do
		n = read(p[0], &err, sizeof err);
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (pid < 0 || n > 0) {
		if (pid > 0)
			waitpid(pid, NULL, 0);
		fprintf(stderr, "baseline-forkexec: %s: %s\n", argv[0], strerror(err));
		return -1;
	}
	return pid;
}

/* serial: spawn, wait for the exit, again; the cost of one crash-and-restart cycle. */
static int run_serial(long n, char **argv)
{
	long long t0 = now_ns(), dt;
	pid_t pid;

	for (long i = 0; i < n; i++) {
		pid = spawn(argv);
		if (pid < 0)
			return 1;
		waitpid(pid, NULL, 0);
	}
	dt = now_ns() - t0;
	printf("serial n=%ld total_ns=%lld per_iter_ns=%lld\n", n, dt, dt / n);
	return 0;
}

/* alive: spawn n long-lived children one after the other, time it, then kill each by pid. */
static int run_alive(long n, char **argv)
{
	pid_t *pids = calloc((size_t)n, sizeof *pids);
	long long t0, dt;
	long i, got = 0;
	int rc = 0;

	if (!pids)
		return 1;
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		pids[i] = spawn(argv);
		if (pids[i] < 0) {
			rc = 1;
			break;
		}
		got++;
	}
	dt = now_ns() - t0;
	for (i = 0; i < got; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < got; i++)
		waitpid(pids[i], NULL, 0);
	free(pids);
	if (rc == 0)
		printf("alive n=%ld total_ns=%lld per_iter_ns=%lld\n", n, dt, dt / n);
	return rc;
}

int main(int argc, char **argv)
{
	long n;

	if (argc < 4 || (n = strtol(argv[2], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: baseline-forkexec serial|alive N PROGRAM [ARGS...]\n");
		return 2;
	}
	if (strcmp(argv[1], "serial") == 0)
		return run_serial(n, argv + 3);
	if (strcmp(argv[1], "alive") == 0)
		return run_alive(n, argv + 3);
	fprintf(stderr, "baseline-forkexec: unknown mode '%s'\n", argv[1]);
	return 2;
}

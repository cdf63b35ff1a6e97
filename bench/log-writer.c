/* SPDX-License-Identifier: MIT */
/* Log benchmark helper: writes numbered lines to stdout, waits for a log file, checks one. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * Every line is LINE_LEN bytes: "#PPPPPPPP SSSSSSSSSSSS xxx...x\n" (pid, sequence number from 0),
 * so a file's size is known in advance and a check can tell each writer's lines apart.
 */
#define LINE_LEN 100
#define CHUNK (64 * 1024)
#define MAX_WRITERS 16

/* Bytes per write(2): a buffered app by default; LOG_WRITER_WRITE=100 is one write a line. */
static size_t write_size = CHUNK;

static int64_t now_ns(int clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void make_line(char *out, int pid, uint64_t seq)
{
	int n = snprintf(out, LINE_LEN + 1, "#%08d %012llu ", pid, (unsigned long long)seq);

	memset(out + n, 'x', LINE_LEN - 1 - n);
	out[LINE_LEN - 1] = '\n';
}

/* Write all of buf or die: a short write to a pipe is retried. */
static void write_all(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(1, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("log-writer: write");
			exit(1);
		}
		buf += n;
		len -= (size_t)n;
	}
}

/*
 * Lines go into a CHUNK buffer; whenever it is full it is written in one write(2), so lines
 * straddle writes as they would in any buffered app. Stops after lines, or at deadline_ns
 * (CLOCK_MONOTONIC) when that is not 0. Returns the bytes written.
 */
static uint64_t emit(uint64_t lines, int64_t deadline_ns)
{
	static char buf[CHUNK];
	char line[LINE_LEN + 1];
	size_t used = 0;
	uint64_t seq, total = 0;

	make_line(line, getpid(), 0);
	for (seq = 0; deadline_ns || seq < lines; seq++) {
		size_t off = 0;
		int d;

		while (off < LINE_LEN) {
			size_t n = LINE_LEN - off < write_size - used ? LINE_LEN - off : write_size - used;

			memcpy(buf + used, line + off, n);
			used += n;
			off += n;
			if (used == write_size) {
				write_all(buf, used);
				total += used;
				used = 0;
			}
		}
		/* The next number in place: cheaper than formatting, so the app is not the bottleneck. */
		for (d = 21; d >= 10 && line[d] == '9'; d--)
			line[d] = '0';
		line[d]++;
		/* Timed mode stops on a whole line, checked once per chunk or so. */
		if (deadline_ns && seq % 512 == 511 && now_ns(CLOCK_MONOTONIC) >= deadline_ns) {
			seq++;
			break;
		}
	}
	write_all(buf, used);
	return total + used;
}

/* The last complete line's sequence number, or -1 when the file does not end in one. */
static long long last_seq(int fd, off_t size)
{
	char tail[LINE_LEN * 2 + 1];
	off_t from = size > (off_t)sizeof(tail) - 1 ? size - (off_t)sizeof(tail) + 1 : 0;
	ssize_t n = pread(fd, tail, (size_t)(size - from), from);
	char *nl, *hash;

	if (n <= 0 || tail[n - 1] != '\n')
		return -1;
	tail[n - 1] = '\0';
	nl = strrchr(tail, '\n');
	hash = strchr(nl ? nl + 1 : tail, '#');
	if (!hash || strlen(hash) < 22)
		return -1;
	return strtoll(hash + 10, NULL, 10);
}

/*
 * wait FILE MINBYTES LASTSEQ TIMEOUT_S: poll every 0.5 ms until FILE has at least MINBYTES and
 * (LASTSEQ >= 0) its last line is number LASTSEQ; prints CLOCK_REALTIME in ns at that moment.
 */
static int cmd_wait(char **argv)
{
	long long min = atoll(argv[1]), seq = atoll(argv[2]);
	int64_t deadline = now_ns(CLOCK_MONOTONIC) + atoll(argv[3]) * 1000000000LL;
	struct timespec nap = { 0, 500000 };
	off_t seen = -1;
	int fd = -1;

	while (now_ns(CLOCK_MONOTONIC) < deadline) {
		struct stat st;

		if (fd < 0)
			fd = open(argv[0], O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size != seen) {
			seen = st.st_size;
			if (st.st_size >= min && (seq < 0 || last_seq(fd, st.st_size) == seq)) {
				printf("%lld\n", (long long)now_ns(CLOCK_REALTIME));
				return 0;
			}
		}
		nanosleep(&nap, NULL);
	}
	fprintf(stderr, "log-writer: %s: %lld bytes after the timeout, wanted %lld\n", argv[0],
		(long long)seen, min);
	return 1;
}

struct writer {
	long pid;
	long long next;
};

/* Checks one line (any prefix before '#'); returns 0, or -1 when it is malformed or out of order. */
static int check_line(const char *s, size_t len, struct writer *w, int *nw)
{
	const char *hash = memchr(s, '#', len);
	long pid;
	long long seq;
	size_t rest, i;
	int k;

	if (!hash)
		return -1;
	rest = len - (size_t)(hash - s);
	if (rest != LINE_LEN - 1 || hash[9] != ' ' || hash[22] != ' ')
		return -1;
	for (i = 23; i < rest; i++)
		if (hash[i] != 'x')
			return -1;
	pid = strtol(hash + 1, NULL, 10);
	seq = strtoll(hash + 10, NULL, 10);
	for (k = 0; k < *nw && w[k].pid != pid; k++)
		;
	if (k == *nw) {
		if (*nw == MAX_WRITERS)
			return -1;
		w[k].pid = pid;
		w[k].next = 0;
		(*nw)++;
	}
	if (seq != w[k].next)
		return -1;
	w[k].next++;
	return 0;
}

/*
 * check FILE LINES: every line well formed, each writer's numbers 0, 1, 2... with none missing
 * or repeated, and each writer ending at LINES (-1: any). Prints a summary; exit 1 on any fault.
 */
static int cmd_check(char **argv)
{
	long long want = atoll(argv[1]), lines = 0, bad = 0;
	struct writer w[MAX_WRITERS];
	static char buf[1 << 20];
	char carry[4096];
	size_t clen = 0;
	int nw = 0, k, fd = open(argv[0], O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		perror(argv[0]);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		char *p = buf, *end = buf + n, *nl;

		while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
			size_t len = (size_t)(nl - p);

			lines++;
			if (clen) {
				if (clen + len < sizeof(carry)) {
					memcpy(carry + clen, p, len);
					bad += check_line(carry, clen + len, w, &nw) != 0;
				} else {
					bad++;
				}
				clen = 0;
			} else {
				bad += check_line(p, len, w, &nw) != 0;
			}
			p = nl + 1;
		}
		if (p < end) {
			size_t len = (size_t)(end - p);

			if (clen + len < sizeof(carry))
				memcpy(carry + clen, p, len);
			clen += len;
		}
	}
	close(fd);
	bad += clen != 0; /* a last line without its newline */
	for (k = 0; k < nw && want >= 0; k++)
		bad += w[k].next != want;
	printf("lines=%lld writers=%d bad=%lld\n", lines, nw, bad);
	return bad || nw == 0;
}

int main(int argc, char **argv)
{
	const char *ws = getenv("LOG_WRITER_WRITE");

	if (ws && atol(ws) > 0 && atol(ws) <= CHUNK)
		write_size = (size_t)atol(ws);
	if (argc == 3 && strcmp(argv[1], "write") == 0) {
		uint64_t lines = (uint64_t)atoll(argv[2]) * 1024 * 1024 / LINE_LEN;

		emit(lines, 0);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "lines") == 0) {
		printf("%llu\n", (unsigned long long)atoll(argv[2]) * 1024 * 1024 / LINE_LEN);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "flood") == 0) {
		int64_t end = now_ns(CLOCK_MONOTONIC) + (int64_t)(atof(argv[2]) * 1e9);
		uint64_t bytes = emit(0, end);

		fprintf(stderr, "wrote %llu\n", (unsigned long long)bytes);
		return 0;
	}
	if (argc == 6 && strcmp(argv[1], "wait") == 0)
		return cmd_wait(argv + 2);
	if (argc == 4 && strcmp(argv[1], "check") == 0)
		return cmd_check(argv + 2);
	fprintf(stderr, "usage: log-writer write MB | lines MB | flood SECS |\n"
			"       wait FILE MINBYTES LASTSEQ TIMEOUT_S | check FILE LINES\n");
	return 2;
}

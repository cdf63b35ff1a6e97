/* SPDX-License-Identifier: MIT */
/* An app that exits with status 1 at once, appending its start and exit times (ns) to a file. */
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long long start = now_ns();
	char line[64];
	int fd, len;

	if (argc != 2)
		return 2;
	fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return 3;
	len = snprintf(line, sizeof line, "%lld %lld\n", start, now_ns());
	/* One append per run keeps lines whole even if two runs ever overlap. */
	if (write(fd, line, (size_t)len) != len)
		return 4;
	return 1;
}

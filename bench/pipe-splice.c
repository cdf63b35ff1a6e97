/* SPDX-License-Identifier: MIT */
/*
 * The least any pipe-based log collector can do: splice(2) its standard input, a pipe, into
 * FILE until end of input, blocking, with the pipe grown to 1 MiB as pmcd grows a busy one.
 * Timing `app | pipe-splice FILE` gives the physical limit of logging through a pipe.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	ssize_t n;
	int out;

	if (argc != 2) {
		fprintf(stderr, "usage: pipe-splice FILE < pipe\n");
		return 2;
	}
	out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (out < 0) {
		perror(argv[1]);
		return 1;
	}
	fcntl(0, F_SETPIPE_SZ, 1 << 20);
	while ((n = splice(0, NULL, out, NULL, 1 << 24, SPLICE_F_MOVE)) > 0)
		;
	if (n < 0) {
		perror("pipe-splice: splice");
		return 1;
	}
	return close(out) < 0;
}

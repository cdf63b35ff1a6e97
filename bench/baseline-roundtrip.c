/* SPDX-License-Identifier: MIT */
/* Baseline client: connect to a Unix socket, send one JSON-RPC line, read the reply line, exit. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char request[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"list\"}\n";

int main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char buf[4096];
	ssize_t n;
	int fd;

	if (argc != 2 || strlen(argv[1]) >= sizeof addr.sun_path) {
		fprintf(stderr, "usage: baseline-roundtrip SOCKET\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		perror("baseline-roundtrip");
		return 1;
	}
	if (write(fd, request, sizeof request - 1) != (ssize_t)(sizeof request - 1))
		return 1;
	/* The echo server closes after the line, so EOF or a newline ends the reply. */
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (memchr(buf, '\n', (size_t)n))
			break;
	close(fd);
	return n < 0;
}

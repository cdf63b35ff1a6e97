/* SPDX-License-Identifier: MIT */
/* Unit tests for shared listening sockets: address forms, binding once, ownership. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cmocka.h>

#include "listener.h"

static void test_canonical_forms(void **state)
{
	static const struct {
		const char *in, *want;
	} ok[] = {
		{ "3000", "tcp://0.0.0.0:3000" },
		{ ":3000", "tcp://0.0.0.0:3000" },
		{ "tcp://3000", "tcp://0.0.0.0:3000" },
		{ "tcp://127.0.0.1:80", "tcp://127.0.0.1:80" },
		{ "localhost:81", "tcp://127.0.0.1:81" },
		{ "tcp://[::]:82", "tcp://[::]:82" },
		{ "tcp://[::1]:83", "tcp://[::1]:83" },
		{ "unix:/run/a.sock", "unix:/run/a.sock" },
		{ "unix:rel.sock", "unix:/srv/rel.sock" },
	};
	static const char *const bad[] = {
		"", "0", "65536", "tcp://", "tcp://host", "tcp://1.2.3.4:", "tcp://1.2.3.4:x",
		"tcp://[::1]", "tcp://[zz]:80", "unix:", "-1", "tcp://example.org:80",
	};
	char *out, *cause;

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		out = cause = NULL;
		assert_int_equal(pmc_listener_canonical(ok[i].in, "/srv", &out, &cause), 0);
		assert_string_equal(out, ok[i].want);
		/* Canonical forms are fixed points: a stored address reads back the same. */
		char *again = NULL;
		assert_int_equal(pmc_listener_canonical(out, "/elsewhere", &again, &cause), 0);
		assert_string_equal(again, out);
		free(again);
		free(out);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		out = cause = NULL;
		assert_int_equal(pmc_listener_canonical(bad[i], "/srv", &out, &cause), -EINVAL);
		assert_non_null(cause);
		free(cause);
	}
}

static int bound_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;

	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	return ntohs(sin.sin_port);
}

/* A free loopback port: bind to 0, read it, close. */
static int free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	port = bound_port(fd);
	close(fd);
	return port;
}

static void test_acquire_once_per_app(void **state)
{
	struct pmc_listeners ls = { 0 };
	struct pmc_listener *a, *b, *list[4];
	char address[64], *cause = NULL;
	int port = free_port();

	(void)state;
	snprintf(address, sizeof address, "tcp://127.0.0.1:%d", port);
	assert_int_equal(pmc_listeners_acquire(&ls, "web", address, &a, &cause), 0);
	assert_int_equal(bound_port(a->fd), port);
	assert_int_equal(strncmp(a->fdname, "tcp-", 4), 0);
	/* The same app asking again gets the same socket: bound once. */
	assert_int_equal(pmc_listeners_acquire(&ls, "web", address, &b, &cause), 0);
	assert_ptr_equal(a, b);
	/* Another app gets EADDRINUSE, as it would without pmc. */
	assert_int_equal(pmc_listeners_acquire(&ls, "api", address, &b, &cause), -EADDRINUSE);
	assert_non_null(strstr(cause, "in use by app web"));
	free(cause);
	cause = NULL;
	assert_int_equal(pmc_listeners_of(&ls, "web", list, 4), 1);
	assert_int_equal(pmc_listeners_of(&ls, "api", list, 4), 0);
	/* Released, the address can be bound by the other app. */
	pmc_listeners_release_app(&ls, "web");
	assert_int_equal(pmc_listeners_acquire(&ls, "api", address, &b, &cause), 0);
	pmc_listeners_close(&ls);
	assert_null(ls.list);
}

static void test_kernel_refusal_is_clear(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct pmc_listeners ls = { 0 };
	struct pmc_listener *l;
	char address[64], *cause = NULL;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	(void)state;
	/* Someone outside pmc holds the port. */
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(listen(fd, 1), 0);
	snprintf(address, sizeof address, "tcp://127.0.0.1:%d", bound_port(fd));
	assert_int_equal(pmc_listeners_acquire(&ls, "web", address, &l, &cause), -EADDRINUSE);
	assert_non_null(strstr(cause, "cannot listen on 127.0.0.1:"));
	assert_null(ls.list); /* nothing half-made is kept */
	free(cause);
	close(fd);
}

static void test_unix_socket(void **state)
{
	char dir[] = "/tmp/pmc-lis.XXXXXX", address[128], *cause = NULL;
	struct pmc_listeners ls = { 0 };
	struct pmc_listener *l;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(address, sizeof address, "unix:%s/s.sock", dir);
	assert_int_equal(pmc_listeners_acquire(&ls, "web", address, &l, &cause), 0);
	assert_string_equal(l->fdname, "unix");
	assert_int_equal(access(address + 5, F_OK), 0);
	pmc_listeners_close(&ls);
	/* The socket file goes with the listener. */
	assert_int_equal(access(address + 5, F_OK), -1);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical_forms),
		cmocka_unit_test(test_acquire_once_per_app),
		cmocka_unit_test(test_kernel_refusal_is_clear),
		cmocka_unit_test(test_unix_socket),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("listener", tests, NULL, NULL);
}

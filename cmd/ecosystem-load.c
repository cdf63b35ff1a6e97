/* SPDX-License-Identifier: MIT */
/* Reading an ecosystem file: JSON directly, JavaScript through `node` with a deadline. */
#include "ecosystem.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "xmalloc.h"

#define FILE_MAX        (16 << 20) /* bytes of JSON we accept, from a file or from node */
#define STDERR_MAX      (16 << 10)
#define NODE_TIMEOUT_MS 10000

/*
 * Print module.exports as JSON, then exit (a file that starts timers must not
 * keep node alive). An ES module's default export counts as module.exports.
 */
static const char node_program[] =
    "const p = process.argv[1];\n"
    "const out = (m) => {\n"
    "  if (m && typeof m === 'object' && m.__esModule && 'default' in m) m = m.default;\n"
    "  const text = JSON.stringify(m === undefined ? null : m);\n"
    "  process.stdout.write(text === undefined ? 'null' : text, () => process.exit(0));\n"
    "};\n"
    "const fail = (e) => {\n"
    "  process.stderr.write(String(e && e.stack ? e.stack : e) + '\\n');\n"
    "  process.exit(1);\n"
    "};\n"
    "if (p.endsWith('.mjs'))\n"
    "  import(require('url').pathToFileURL(p).href).then((m) => out(m.default), fail);\n"
    "else\n"
    "  try { out(require(p)); } catch (e) { fail(e); }\n";

/* A growable byte buffer. */
struct buf {
	char *data;
	size_t len, cap;
	bool truncated;
};

static void buf_add(struct buf *b, const char *data, size_t n, size_t max)
{
	if (b->len + n > max) {
		n = max - b->len;
		b->truncated = true;
	}
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->data = xrealloc(b->data, b->cap);
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static int read_file(const char *path, struct buf *b, char **cause)
{
	char chunk[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		int err = errno;
		*cause = xasprintf("cannot read %s: %s", path, strerror(err));
		return -err;
	}
	while ((n = read(fd, chunk, sizeof chunk)) > 0 && !b->truncated)
		buf_add(b, chunk, (size_t)n, FILE_MAX);
	if (n < 0) {
		int err = errno;
		close(fd);
		*cause = xasprintf("cannot read %s: %s", path, strerror(err));
		return -err;
	}
	close(fd);
	if (b->truncated) {
		*cause = xasprintf("%s is larger than %d MiB", path, FILE_MAX >> 20);
		return -EFBIG;
	}
	if (!b->data)
		buf_add(b, "", 0, FILE_MAX);
	return 0;
}

/* The first executable "node" in PATH, or NULL. */
static char *find_node(void)
{
	const char *path = getenv("PATH");
	const char *p = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";

	while (*p) {
		size_t len = strcspn(p, ":");
		char *candidate = len ? xasprintf("%.*s/node", (int)len, p) : xstrdup("./node");
		struct stat st;

		if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(candidate, X_OK) == 0)
			return candidate;
		free(candidate);
		p += len;
		if (*p == ':')
			p++;
	}
	return NULL;
}

/* The last lines of node's stderr, trimmed, for a message. */
static char *stderr_tail(struct buf *err)
{
	size_t len = err->len;

	while (len > 0 && (err->data[len - 1] == '\n' || err->data[len - 1] == ' '))
		len--;
	return len ? xstrndup(err->data, len) : xstrdup("(no message)");
}

/* Run node on path; its stdout lands in out. */
static int run_node(const char *path, int64_t timeout_ms, struct buf *out, char **cause)
{
	int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, status = 0, err = 0;
	struct buf errb = {0};
	char *node = find_node();
	int64_t deadline;
	pid_t pid;

	if (!node) {
		*cause =
		    xasprintf("%s: node is needed to read a JavaScript ecosystem file and is not "
		              "in PATH (install Node.js, or write the file as JSON, e.g. "
		              "ecosystem.config.json)",
		              path);
		return -ENOENT;
	}
	if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0) {
		err = -errno;
		*cause = xasprintf("cannot run node: %s", strerror(-err));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		err = -errno;
		*cause = xasprintf("cannot run node: %s", strerror(-err));
		goto out;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, STDIN_FILENO);
		dup2(out_pipe[1], STDOUT_FILENO);
		dup2(err_pipe[1], STDERR_FILENO);
		execl(node, "node", "-e", node_program, path, (char *)NULL);
		_exit(127);
	}
	close(out_pipe[1]);
	close(err_pipe[1]);
	out_pipe[1] = err_pipe[1] = -1;
	deadline = pmc_clock_mono_ms() + timeout_ms;
	for (int open_fds = 2; open_fds > 0;) {
		struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
		int64_t left = deadline - pmc_clock_mono_ms();
		char chunk[65536];
		int n;

		if (left <= 0) {
			kill(pid, SIGKILL);
			err = -ETIMEDOUT;
			break;
		}
		n = poll(fds, 2, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		for (int i = 0; n > 0 && i < 2; i++) {
			ssize_t got;
			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			got = read(fds[i].fd, chunk, sizeof chunk);
			if (got > 0) {
				buf_add(i == 0 ? out : &errb, chunk, (size_t)got,
				        i == 0 ? FILE_MAX : STDERR_MAX);
			} else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
				close(fds[i].fd);
				if (i == 0)
					out_pipe[0] = -1;
				else
					err_pipe[0] = -1;
				open_fds--;
			}
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (err == -ETIMEDOUT) {
		*cause = xasprintf("%s: node did not finish within %llds (does the file wait for "
		                   "something?)",
		                   path, (long long)(timeout_ms / 1000));
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *tail = stderr_tail(&errb);
		*cause = xasprintf("%s: node could not evaluate the file:\n%s", path, tail);
		free(tail);
		err = -EINVAL;
	} else if (out->truncated) {
		*cause =
		    xasprintf("%s: the exported value is larger than %d MiB", path, FILE_MAX >> 20);
		err = -EFBIG;
	}
out:
	for (int i = 0; i < 2; i++) {
		if (out_pipe[i] >= 0)
			close(out_pipe[i]);
		if (err_pipe[i] >= 0)
			close(err_pipe[i]);
	}
	free(errb.data);
	free(node);
	return err;
}

/* "line 3, column 7" of the byte at offset in text. */
static char *position_of(const char *text, size_t offset)
{
	size_t line = 1, col = 1;

	for (size_t i = 0; i < offset && text[i]; i++) {
		if (text[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	return xasprintf("line %zu, column %zu", line, col);
}

int pmc_eco_load(const char *path, const struct pmc_eco_opts *opts, struct pmc_eco *eco,
                 char **cause)
{
	enum pmc_eco_kind kind = pmc_eco_kind_of(path);
	struct buf text = {0};
	const char *end = NULL;
	char *abs = NULL, *where;
	cJSON *root = NULL;
	int err;

	memset(eco, 0, sizeof *eco);
	if (kind == PMC_ECO_YAML) {
		*cause =
		    xasprintf("%s: YAML ecosystem files are not supported (write it as JSON or "
		              "as ecosystem.config.js)",
		              path);
		return -ENOTSUP;
	}
	abs = realpath(path, NULL);
	if (!abs) {
		err = -errno;
		*cause = xasprintf("cannot read %s: %s", path, strerror(-err));
		return err;
	}
	if (kind == PMC_ECO_JS)
		err = run_node(abs,
		               opts->node_timeout_ms > 0 ? opts->node_timeout_ms : NODE_TIMEOUT_MS,
		               &text, cause);
	else
		err = read_file(abs, &text, cause);
	if (err < 0)
		goto out;
	root = cJSON_ParseWithOpts(text.data ? text.data : "", &end, true);
	if (!root) {
		size_t at = end && text.data ? (size_t)(end - text.data) : 0;
		where = position_of(text.data ? text.data : "", at);
		if (kind == PMC_ECO_JS)
			*cause = xasprintf("%s: node printed something that is not JSON", path);
		else
			*cause = xasprintf("%s: invalid JSON at %s", path, where);
		free(where);
		err = -EINVAL;
		goto out;
	}
	err = pmc_eco_parse(root, abs, opts, eco, cause);
out:
	cJSON_Delete(root);
	free(text.data);
	free(abs);
	return err;
}

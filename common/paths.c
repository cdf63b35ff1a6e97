/* SPDX-License-Identifier: MIT */
/* Where pmc keeps its files: PMC_HOME (default ~/.pmc) and the names inside it. */
#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "xmalloc.h"

static char *default_home(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (!home || !*home) {
		pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	return home ? xasprintf("%s/.pmc", home) : NULL;
}

static char *absolute(const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || !getcwd(cwd, sizeof cwd))
		return xstrdup(path);
	return xasprintf("%s/%s", cwd, path);
}

int pmc_paths_init(struct pmc_paths *paths, char **cause)
{
	const char *env = getenv("PMC_HOME");
	struct sockaddr_un sun;
	char *home;
	size_t len;

	memset(paths, 0, sizeof *paths);
	home = env && *env ? absolute(env) : default_home();
	if (!home) {
		*cause = xstrdup("cannot find a home directory: set PMC_HOME or HOME");
		return -1;
	}
	len = strlen(home);
	while (len > 1 && home[len - 1] == '/')
		home[--len] = '\0';
	paths->home = home;
	paths->sock = xasprintf("%s/rpc.sock", home);
	paths->lock = xasprintf("%s/pmcd.lock", home);
	paths->spawn_lock = xasprintf("%s/spawn.lock", home);
	paths->db = xasprintf("%s/pmc.db", home);
	paths->log = xasprintf("%s/pmcd.log", home);
	paths->logs_dir = xasprintf("%s/logs", home);
	if (strlen(paths->sock) >= sizeof sun.sun_path) {
		*cause = xasprintf("socket path %s is %zu bytes, over the %zu-byte limit of "
				   "Unix sockets: choose a shorter PMC_HOME",
				   paths->sock, strlen(paths->sock), sizeof sun.sun_path - 1);
		pmc_paths_free(paths);
		return -1;
	}
	return 0;
}

/* One mkdir that accepts an existing directory, but not a file in its place. */
static int ensure_dir(const char *path, unsigned mode)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	if (stat(path, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int pmc_mkdir_p(const char *path, unsigned mode)
{
	char *copy;
	char *p;
	int err = 0;

	if (!*path)
		return -ENOENT;
	copy = xstrdup(path);
	for (p = copy + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		err = ensure_dir(copy, mode);
		if (err < 0)
			break;
		*p = saved;
		if (saved == '\0')
			break;
	}
	free(copy);
	return err;
}

int pmc_paths_mkdirs(const struct pmc_paths *paths, char **cause)
{
	struct stat st;
	int err;

	err = pmc_mkdir_p(paths->home, 0700);
	if (err == 0 && stat(paths->home, &st) < 0)
		err = -errno;
	if (err == 0 && !S_ISDIR(st.st_mode))
		err = -ENOTDIR;
	if (err == 0 && (st.st_mode & 077) && st.st_uid == getuid() && chmod(paths->home, 0700) < 0)
		err = -errno;
	if (err == 0)
		err = pmc_mkdir_p(paths->logs_dir, 0700);
	if (err < 0)
		*cause = xasprintf("cannot create %s: %s", paths->home, strerror(-err));
	return err;
}

void pmc_paths_free(struct pmc_paths *paths)
{
	free(paths->home);
	free(paths->sock);
	free(paths->lock);
	free(paths->spawn_lock);
	free(paths->db);
	free(paths->log);
	free(paths->logs_dir);
	memset(paths, 0, sizeof *paths);
}

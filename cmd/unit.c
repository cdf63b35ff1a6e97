/* SPDX-License-Identifier: MIT */
/* The systemd unit of `pmc startup`: where it goes, what it says, and systemctl. */
#include "unit.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn-daemon.h"
#include "xmalloc.h"

extern char **environ;

/* The account the unit is for: SUDO_USER when root writes a system unit for them. */
static struct passwd *target_user(bool user)
{
	const char *sudo = getenv("SUDO_USER");
	struct passwd *pw;

	if (!user && geteuid() == 0 && sudo && *sudo && strcmp(sudo, "root") != 0 &&
	    (pw = getpwnam(sudo)))
		return pw;
	return getpwuid(geteuid());
}

/* An absolute, resolved path of an executable file, or NULL. */
static char *absolute_exe(const char *path)
{
	char buf[PATH_MAX];

	if (!path || !realpath(path, buf) || access(buf, X_OK) < 0)
		return NULL;
	return xstrdup(buf);
}

/* When pmcd is found through PATH only, look there ourselves: the unit needs a full path. */
static char *pmcd_in_path(void)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *found = NULL;

	if (!path)
		return NULL;
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *candidate = xasprintf("%s/%s", *dir ? dir : ".", PMC_PMCD_NAME);
		found = absolute_exe(candidate);
		free(candidate);
	}
	free(copy);
	return found;
}

int pmc_unit_init(struct pmc_unit *u, bool user, char **cause)
{
	const char *env_home = getenv("PMC_HOME");
	const char *env_dir = getenv("PMC_SYSTEMD_UNIT_DIR");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	struct passwd *pw = target_user(user);
	const char *dir;
	char *found;

	memset(u, 0, sizeof *u);
	u->user = user;
	if (!pw) {
		*cause = xasprintf("cannot find the account of uid %u", (unsigned)geteuid());
		return -1;
	}
	u->username = xstrdup(pw->pw_name);
	/* Our own account: $HOME, as pmc and systemd --user read it; another one: its entry. */
	dir = pw->pw_uid == geteuid() && getenv("HOME") && *getenv("HOME") ? getenv("HOME")
	                                                                   : pw->pw_dir;
	if (env_home && *env_home) {
		char cwd[PATH_MAX];
		u->home = env_home[0] == '/' || !getcwd(cwd, sizeof cwd)
		              ? xstrdup(env_home)
		              : xasprintf("%s/%s", cwd, env_home);
	} else {
		u->home = xasprintf("%s/.pmc", dir);
	}
	if (env_dir && *env_dir)
		u->dir = xstrdup(env_dir);
	else if (!user)
		u->dir = xstrdup("/etc/systemd/system");
	else if (xdg && *xdg == '/')
		u->dir = xasprintf("%s/systemd/user", xdg);
	else
		u->dir = xasprintf("%s/.config/systemd/user", dir);
	u->name = user ? xstrdup("pmc.service") : xasprintf("pmc-%s.service", u->username);
	u->path = xasprintf("%s/%s", u->dir, u->name);
	found = pmc_daemon_find_pmcd();
	u->pmcd = found ? absolute_exe(found) : pmcd_in_path();
	free(found);
	u->pmc = absolute_exe("/proc/self/exe");
	if (!u->pmcd || !u->pmc) {
		*cause = xasprintf("cannot find the %s executable (set PMC_PMCD to its path)",
		                   u->pmc ? PMC_PMCD_NAME : "pmc");
		pmc_unit_free(u);
		return -1;
	}
	return 0;
}

void pmc_unit_free(struct pmc_unit *u)
{
	free(u->username);
	free(u->home);
	free(u->dir);
	free(u->name);
	free(u->path);
	free(u->pmcd);
	free(u->pmc);
	memset(u, 0, sizeof *u);
}

/*
 * A value in systemd's double quotes: backslash and quote escaped, '%'
 * doubled (specifiers), and in command lines '$' doubled (variables).
 * NULL for control characters, which no unit line can hold.
 */
static char *quote(const char *v, bool exec)
{
	size_t len = strlen(v), i, o = 0;
	char *out = xmalloc(len * 2 + 3);

	out[o++] = '"';
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c < 0x20 || c == 0x7f) {
			free(out);
			return NULL;
		}
		if (c == '\\' || c == '"')
			out[o++] = '\\';
		else if (c == '%' || (exec && c == '$'))
			out[o++] = (char)c;
		out[o++] = (char)c;
	}
	out[o++] = '"';
	out[o] = '\0';
	return out;
}

char *pmc_unit_text(const struct pmc_unit *u, char **cause)
{
	const char *path = getenv("PATH");
	char *home = xasprintf("PMC_HOME=%s", u->home);
	char *path_var =
	    xasprintf("PATH=%s", path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	char *q_home = quote(home, false), *q_path = quote(path_var, false);
	char *q_pmcd = quote(u->pmcd, true), *q_user = quote(u->username, false);
	char *text = NULL;

	if (!q_home || !q_path || !q_pmcd || !q_user) {
		*cause = xstrdup("PMC_HOME, PATH, the user name or the pmcd path holds a control "
		                 "character, which a systemd unit cannot hold");
		goto out;
	}
	/* User= takes no quotes: a name with spaces is refused by systemd anyway. */
	text = xasprintf(PMC_UNIT_MARK
	                 "; remove it with pmc unstartup%s.\n"
	                 "[Unit]\n"
	                 "Description=pmc process manager (user %s)\n"
	                 "Documentation=man:pmc(1) man:pmcd(8)\n"
	                 "After=network.target\n"
	                 "\n"
	                 "[Service]\n"
	                 "Type=simple\n"
	                 "%s%s%s"
	                 "Environment=%s\n"
	                 "Environment=%s\n"
	                 "ExecStart=%s --foreground --resurrect\n"
	                 "# SIGTERM to pmcd alone: it stops every app gracefully, then exits.\n"
	                 "KillMode=mixed\n"
	                 "TimeoutStopSec=120\n"
	                 "Restart=on-failure\n"
	                 "RestartSec=1s\n"
	                 "\n"
	                 "[Install]\n"
	                 "WantedBy=%s\n",
	                 u->user ? " --user" : "", u->username,
	                 u->user ? "" : "User=", u->user ? "" : u->username, u->user ? "" : "\n",
	                 q_home, q_path, q_pmcd, u->user ? "default.target" : "multi-user.target");
out:
	free(home);
	free(path_var);
	free(q_home);
	free(q_path);
	free(q_pmcd);
	free(q_user);
	return text;
}

bool pmc_unit_systemd_usable(void)
{
	const char *fake = getenv("PMC_SYSTEMCTL");
	struct stat st;

	if (fake && *fake)
		return true;
	return stat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}

int pmc_unit_systemctl(const struct pmc_unit *u, const char *verb, const char *name, char **cause)
{
	const char *fake = getenv("PMC_SYSTEMCTL");
	const char *prog = fake && *fake ? fake : "systemctl";
	char *argv[5];
	int argc = 0, status, err;
	pid_t pid;

	argv[argc++] = (char *)prog;
	if (u->user)
		argv[argc++] = (char *)"--user";
	argv[argc++] = (char *)verb;
	if (name)
		argv[argc++] = (char *)name;
	argv[argc] = NULL;
	err = posix_spawnp(&pid, prog, NULL, NULL, argv, environ);
	if (err) {
		*cause = xasprintf("cannot run %s: %s", prog, strerror(err));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			*cause = xasprintf("waitpid: %s", strerror(errno));
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	*cause =
	    WIFEXITED(status)
	        ? xasprintf("'%s%s %s%s%s' failed (exit status %d)", prog, u->user ? " --user" : "",
	                    verb, name ? " " : "", name ? name : "", WEXITSTATUS(status))
	        : xasprintf("'%s %s' was killed by signal %d", prog, verb, WTERMSIG(status));
	return -1;
}

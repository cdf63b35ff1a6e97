/* SPDX-License-Identifier: MIT */
/* The Node preload script (node/pmc-require.js), carried inside pmcd. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "version.h"
#include "xmalloc.h"

char *pmc_shim_install(const char *dir, char **cause)
{
	char *path = xasprintf("%s/pmc-require-%s.js", dir, PMC_VERSION);
	char *tmp = xasprintf("%s.%d.tmp", path, (int)getpid());
	size_t done = 0;
	int fd, err;

	err = pmc_mkdir_p(dir, 0700);
	fd = err < 0 ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	while (done < pmc_shim_js_len) {
		ssize_t n = write(fd, pmc_shim_js + done, pmc_shim_js_len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			goto fail;
		}
		done += (size_t)n;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0)
		goto fail;
	free(tmp);
	return path;
fail:
	*cause = xasprintf("cannot write %s: %s", path, strerror(errno ? errno : -err));
	unlink(tmp);
	free(tmp);
	free(path);
	return NULL;
}

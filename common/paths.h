/* SPDX-License-Identifier: MIT */
/* Where pmc keeps its files: PMC_HOME (default ~/.pmc) and the names inside it. */
#ifndef PMC_PATHS_H
#define PMC_PATHS_H

struct pmc_paths {
	char *home;       /* PMC_HOME, absolute */
	char *sock;       /* rpc.sock */
	char *lock;       /* pmcd.lock: held by the one running daemon */
	char *spawn_lock; /* spawn.lock: serialises CLIs that start the daemon */
	char *db;         /* pmc.db */
	char *log;        /* pmcd.log */
	char *logs_dir;   /* logs/ */
};

/*
 * Fill paths from PMC_HOME or $HOME/.pmc. Returns 0, or -1 with *cause set
 * (caller frees) when no home can be found or the socket path would not fit
 * in sun_path.
 */
int pmc_paths_init(struct pmc_paths *paths, char **cause);
/* Create home (0700) and logs/ if missing; 0 or a negative errno with *cause. */
int pmc_paths_mkdirs(const struct pmc_paths *paths, char **cause);
void pmc_paths_free(struct pmc_paths *paths);

/* mkdir -p with the given mode for every missing component; 0 or -errno. */
int pmc_mkdir_p(const char *path, unsigned mode);

#endif

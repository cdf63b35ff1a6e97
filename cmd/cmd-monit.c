/* SPDX-License-Identifier: MIT */
/* `pmc monit`: a full-screen live dashboard fed by the daemon's monit and logs streams. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "monit-model.h"
#include "monit-view.h"
#include "xmalloc.h"

#define INTERVAL_MS       1000
#define DRAW_MS           50 /* at most 20 redraws a second */
#define TAIL_BYTES        (32 * 1024) /* read from the end of each log file of the selection */
#define MESSAGE_MS        5000        /* a status message stays this long */
#define ACTION_TIMEOUT_MS 120000

struct monit {
	struct pmc_cli *cli;
	struct pmc_monit_model model;
	struct pmc_monit_view view;
	int sfd;
	bool dirty;
	bool urgent;         /* draw now, not at the next DRAW_MS */
	int64_t last_draw;   /* monotonic ms */
	int64_t last_update; /* monotonic ms of the last listing */
	/* The log stream of the selected instance. */
	struct pmc_client logs;
	long long logs_pm_id; /* -1: none */
	long long logs_req;
	/* A restart or stop in flight. */
	struct pmc_client act;
	long long act_req; /* 0: none */
	char act_what[96]; /* "restarting api (id 0)" */
	char act_done[96]; /* "restarted api (id 0)" */
	char message[200];
	int64_t message_until;
	/* Set when the dashboard must end; the message is printed after the screen is restored. */
	bool quit;
	int rc;
	char *exit_message;
};

static bool screen_active;

/* Every way out (return, exit(), a fatal error in a callee) leaves a usable terminal. */
static void restore_terminal(void)
{
	if (!screen_active)
		return;
	screen_active = false;
	endwin();
	fflush(stdout);
}

static void say(struct monit *mo, bool err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(struct monit *mo, bool err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(mo->message, sizeof mo->message, fmt, ap);
	va_end(ap);
	mo->view.message_err = err;
	mo->message_until = pmc_clock_mono_ms() + MESSAGE_MS;
	mo->dirty = true;
}

static void finish(struct monit *mo, int rc, char *message)
{
	if (mo->quit)
		return free(message);
	mo->quit = true;
	mo->rc = rc;
	mo->exit_message = message;
}

/* ---- The log pane ------------------------------------------------------ */

/* The last lines of path up to size bytes (what the daemon had written when it answered). */
static void read_tail(struct monit *mo, const char *path, off_t size, bool err)
{
	off_t from = size > TAIL_BYTES ? size - TAIL_BYTES : 0;
	char *buf, *start;
	ssize_t n;
	int fd;

	if (size <= 0)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	buf = xmalloc((size_t)(size - from) + 1);
	n = pread(fd, buf, (size_t)(size - from), from);
	close(fd);
	if (n > 0) {
		start = buf;
		/* A line cut by the start of the window is not shown. */
		if (from > 0) {
			char *nl = memchr(buf, '\n', (size_t)n);
			start = nl ? nl + 1 : buf + n;
		}
		pmc_monit_model_log(&mo->model, start, (size_t)(buf + n - start), err);
	}
	free(buf);
}

static void logs_close(struct monit *mo)
{
	pmc_client_close(&mo->logs);
	mo->logs_pm_id = -1;
	mo->logs_req = 0;
}

/* Follow the selected instance's output (again when the selection moved). */
static void logs_follow_selection(struct monit *mo)
{
	const struct pmc_monit_proc *p = pmc_monit_model_selected(&mo->model);
	cJSON *params;
	char id[24];
	int err;

	if (!mo->view.logs || !p) {
		if (mo->logs_pm_id != -1 || mo->logs.fd >= 0) {
			logs_close(mo);
			pmc_monit_model_log_clear(&mo->model);
		}
		return;
	}
	if (p->pm_id == mo->logs_pm_id)
		return;
	logs_close(mo);
	pmc_monit_model_log_clear(&mo->model);
	mo->logs_pm_id = p->pm_id;
	mo->dirty = true;
	err = pmc_client_connect(&mo->logs, mo->cli->paths.sock);
	if (err < 0) {
		say(mo, true, "cannot follow the logs: %s", strerror(-err));
		return;
	}
	snprintf(id, sizeof id, "%lld", p->pm_id);
	params = cJSON_CreateObject();
	cJSON_AddItemToArray(cJSON_AddArrayToObject(params, "targets"), cJSON_CreateString(id));
	cJSON_AddBoolToObject(params, "follow", true);
	err = pmc_client_send(&mo->logs, "logs", params, PMC_CALL_TIMEOUT_MS, &mo->logs_req);
	cJSON_Delete(params);
	if (err < 0) {
		pmc_client_close(&mo->logs);
		say(mo, true, "cannot follow the logs: %s", strerror(-err));
	}
}

static long long num_of(const cJSON *obj, const char *key, long long def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(v) ? (long long)v->valuedouble : def;
}

static const char *str_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The answer to logs: the tails of the instance's out and err files. */
static void logs_answered(struct monit *mo, const struct pmc_rpc_response *resp)
{
	const cJSON *files = cJSON_GetObjectItemCaseSensitive(resp->result, "files"), *f;

	if (resp->error_code) {
		pmc_monit_model_log(&mo->model, resp->error_message ? resp->error_message : "",
		                    strlen(resp->error_message ? resp->error_message : ""), true);
		pmc_client_close(&mo->logs);
		return;
	}
	for (int pass = 0; pass < 2; pass++) {
		cJSON_ArrayForEach(f, files)
		{
			const char *stream = str_of(f, "stream"), *path = str_of(f, "path");
			if (!stream || !path || num_of(f, "pm_id", -1) != mo->logs_pm_id ||
			    strcmp(stream, pass ? "err" : "out") != 0)
				continue;
			read_tail(mo, path, (off_t)num_of(f, "size", 0), pass == 1);
		}
	}
}

static void on_logs_readable(struct monit *mo)
{
	struct pmc_rpc_response resp;
	int err = pmc_client_fill(&mo->logs);

	while (mo->logs.fd >= 0 && pmc_client_next(&mo->logs, &resp) > 0) {
		if (!resp.is_notification && resp.id == mo->logs_req) {
			logs_answered(mo, &resp);
		} else if (resp.is_notification && resp.method && strcmp(resp.method, "log") == 0 &&
		           num_of(resp.params, "pm_id", -1) == mo->logs_pm_id) {
			const char *data = str_of(resp.params, "data"),
			           *st = str_of(resp.params, "stream");
			if (data)
				pmc_monit_model_log(&mo->model, data, strlen(data),
				                    st && strcmp(st, "err") == 0);
		}
		pmc_rpc_response_free(&resp);
		mo->dirty = true;
	}
	if (err < 0 && mo->logs.fd >= 0) {
		/* The daemon went away, or dropped us; the monit stream tells which. */
		pmc_client_close(&mo->logs);
		pmc_monit_model_log(&mo->model, "(the log stream ended)", 22, true);
		mo->dirty = true;
	}
}

/* ---- Actions ----------------------------------------------------------- */

static void act(struct monit *mo, const char *method, const char *ing, const char *done)
{
	const struct pmc_monit_proc *p = pmc_monit_model_selected(&mo->model);
	cJSON *params;
	char id[24];
	int err;

	if (!p)
		return;
	if (mo->act_req) {
		say(mo, true, "busy: %s", mo->act_what);
		return;
	}
	if (mo->act.fd < 0) {
		err = pmc_client_connect(&mo->act, mo->cli->paths.sock);
		if (err < 0) {
			say(mo, true, "%s failed: %s", method, strerror(-err));
			return;
		}
	}
	snprintf(id, sizeof id, "%lld", p->pm_id);
	params = cJSON_CreateObject();
	cJSON_AddItemToArray(cJSON_AddArrayToObject(params, "targets"), cJSON_CreateString(id));
	err = pmc_client_send(&mo->act, method, params, PMC_CALL_TIMEOUT_MS, &mo->act_req);
	cJSON_Delete(params);
	if (err < 0) {
		pmc_client_close(&mo->act);
		mo->act_req = 0;
		say(mo, true, "%s failed: %s", method, strerror(-err));
		return;
	}
	snprintf(mo->act_what, sizeof mo->act_what, "%s %.40s (id %lld)", ing, p->name, p->pm_id);
	snprintf(mo->act_done, sizeof mo->act_done, "%s %.40s (id %lld)", done, p->name, p->pm_id);
	say(mo, false, "%s…", mo->act_what);
	mo->message_until = pmc_clock_mono_ms() + ACTION_TIMEOUT_MS;
}

static void on_act_readable(struct monit *mo)
{
	struct pmc_rpc_response resp;
	int err = pmc_client_fill(&mo->act);

	while (mo->act.fd >= 0 && pmc_client_next(&mo->act, &resp) > 0) {
		if (!resp.is_notification && resp.id == mo->act_req) {
			mo->act_req = 0;
			if (resp.error_code)
				say(mo, true, "%s",
				    resp.error_message ? resp.error_message : "failed");
			else
				say(mo, false, "%s", mo->act_done);
		}
		pmc_rpc_response_free(&resp);
	}
	if (err < 0 && mo->act.fd >= 0) {
		pmc_client_close(&mo->act);
		if (mo->act_req)
			say(mo, true, "%s: the daemon hung up", mo->act_what);
		mo->act_req = 0;
	}
}

/* ---- The listing ------------------------------------------------------- */

static void take_listing(struct monit *mo, const cJSON *processes)
{
	if (!cJSON_IsArray(processes))
		return;
	pmc_monit_model_update(&mo->model, processes);
	mo->last_update = pmc_clock_mono_ms();
	mo->dirty = mo->urgent = true;
	logs_follow_selection(mo);
}

static void on_monit_readable(struct monit *mo)
{
	struct pmc_client *c = &mo->cli->client;
	struct pmc_rpc_response resp;
	int err = pmc_client_fill(c), n;

	while ((n = pmc_client_next(c, &resp)) > 0) {
		if (resp.is_notification && resp.method && strcmp(resp.method, "monit") == 0)
			take_listing(mo,
			             cJSON_GetObjectItemCaseSensitive(resp.params, "processes"));
		pmc_rpc_response_free(&resp);
	}
	if (n < 0)
		err = n;
	if (err == -ECONNRESET)
		finish(mo, PMC_EXIT_UNREACHABLE,
		       xstrdup("the daemon went away (it stopped or was killed): monit ended"));
	else if (err < 0)
		finish(mo, PMC_EXIT_UNREACHABLE,
		       xasprintf("lost the connection to the daemon: %s", strerror(-err)));
}

/* ---- Terminal ---------------------------------------------------------- */

static void on_key(struct monit *mo, int ch)
{
	struct pmc_monit_layout l;

	switch (ch) {
	case 'q':
	case 'Q':
		finish(mo, PMC_EXIT_OK, NULL);
		return;
	case KEY_UP:
	case 'k':
		pmc_monit_model_move(&mo->model, -1);
		break;
	case KEY_DOWN:
	case 'j':
		pmc_monit_model_move(&mo->model, 1);
		break;
	case KEY_PPAGE:
	case KEY_NPAGE:
		pmc_monit_layout(LINES, COLS, mo->model.n, mo->view.logs, &l);
		pmc_monit_model_move(&mo->model, ch == KEY_PPAGE ? -l.list_h : l.list_h);
		break;
	case KEY_HOME:
	case 'g':
		pmc_monit_model_move(&mo->model, -(long)mo->model.n);
		break;
	case KEY_END:
	case 'G':
		pmc_monit_model_move(&mo->model, (long)mo->model.n);
		break;
	case 'r':
		act(mo, "restart", "restarting", "restarted");
		break;
	case 's':
		act(mo, "stop", "stopping", "stopped");
		break;
	case 'l':
		mo->view.logs = !mo->view.logs;
		break;
	case KEY_RESIZE:
		break;
	default:
		return;
	}
	mo->dirty = true;
	logs_follow_selection(mo);
}

static void on_resize(struct monit *mo)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
	mo->dirty = mo->urgent = true;
}

static void on_signal(struct monit *mo)
{
	struct signalfd_siginfo si;

	while (read(mo->sfd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGWINCH)
			on_resize(mo);
		else
			finish(mo, PMC_EXIT_OK, NULL);
	}
}

/* Signals that end or resize the dashboard come through a signalfd into the poll loop. */
static int block_signals(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGWINCH);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

static int start_screen(struct monit *mo)
{
	SCREEN *scr;

	setlocale(LC_ALL, "");
	mo->view.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		const char *term = getenv("TERM");
		pmc_cli_error("monit: cannot drive the terminal (TERM=%s)", term ? term : "");
		return PMC_EXIT_USAGE;
	}
	screen_active = true;
	atexit(restore_terminal);
	set_term(scr);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	pmc_monit_view_init(&mo->view, mo->cli->color);
	return 0;
}

static void draw(struct monit *mo, int64_t now)
{
	mo->view.now_ms = pmc_clock_wall_ms();
	mo->view.stale_ms = now - mo->last_update;
	mo->view.message = mo->message[0] ? mo->message : NULL;
	pmc_monit_view_draw(&mo->view, &mo->model);
	mo->dirty = mo->urgent = false;
	mo->last_draw = now;
}

static void loop(struct monit *mo)
{
	struct pollfd fds[5];
	int64_t now, wait;
	int ch;

	while (!mo->quit) {
		now = pmc_clock_mono_ms();
		if (mo->message[0] && now >= mo->message_until) {
			mo->message[0] = '\0';
			mo->dirty = true;
		}
		/* Once a second at least: uptimes move and a stalled daemon shows. */
		if (now - mo->last_draw >= INTERVAL_MS)
			mo->dirty = mo->urgent = true;
		/* A busy log redraws at most every DRAW_MS; keys and resizes at once. */
		if (mo->dirty && (mo->urgent || now - mo->last_draw >= DRAW_MS))
			draw(mo, now);
		wait = (mo->dirty ? DRAW_MS : INTERVAL_MS) - (now - mo->last_draw);
		fds[0] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
		fds[1] = (struct pollfd){.fd = mo->sfd, .events = POLLIN};
		fds[2] = (struct pollfd){.fd = mo->cli->client.fd, .events = POLLIN};
		fds[3] = (struct pollfd){.fd = mo->logs.fd, .events = POLLIN};
		fds[4] = (struct pollfd){.fd = mo->act.fd, .events = POLLIN};
		if (poll(fds, 5, wait > 0 ? (int)wait : 0) < 0) {
			if (errno == EINTR)
				continue;
			finish(mo, PMC_EXIT_DAEMON, xasprintf("poll: %s", strerror(errno)));
			break;
		}
		if (fds[1].revents)
			on_signal(mo);
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			finish(mo, PMC_EXIT_OK, NULL); /* the terminal is gone */
			break;
		}
		if (fds[0].revents & POLLIN)
			while (!mo->quit && (ch = getch()) != ERR)
				on_key(mo, ch);
		if (fds[2].revents)
			on_monit_readable(mo);
		if (fds[3].revents)
			on_logs_readable(mo);
		if (fds[4].revents)
			on_act_readable(mo);
	}
}

static int run_monit(struct pmc_cli *cli, const struct pmc_args *args)
{
	struct monit mo = {.cli = cli, .sfd = -1, .logs_pm_id = -1, .view.logs = true};
	cJSON *params, *result = NULL;
	int rc;

	(void)args;
	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
		pmc_cli_error("monit needs a terminal (stdin and stdout must be one); use `pmc "
		              "jlist` for scripts");
		return PMC_EXIT_USAGE;
	}
	pmc_client_init(&mo.logs);
	pmc_client_init(&mo.act);
	pmc_monit_model_init(&mo.model);
	params = cJSON_CreateObject();
	cJSON_AddNumberToObject(params, "interval", INTERVAL_MS);
	rc = pmc_cli_call(cli, "monit", params, PMC_CALL_TIMEOUT_MS, &result);
	cJSON_Delete(params);
	if (rc)
		goto out;
	mo.sfd = block_signals();
	if (mo.sfd < 0) {
		pmc_cli_error("monit: signalfd: %s", strerror(errno));
		rc = PMC_EXIT_DAEMON;
		goto out;
	}
	rc = start_screen(&mo);
	if (rc)
		goto out;
	take_listing(&mo, cJSON_GetObjectItemCaseSensitive(result, "processes"));
	/* Notifications may have come along with the answer. */
	on_monit_readable(&mo);
	loop(&mo);
	restore_terminal();
	rc = mo.rc;
	if (mo.exit_message)
		pmc_cli_error("%s", mo.exit_message);
out:
	free(mo.exit_message);
	pmc_client_close(&mo.logs);
	pmc_client_close(&mo.act);
	pmc_monit_model_free(&mo.model);
	cJSON_Delete(result);
	if (mo.sfd >= 0)
		close(mo.sfd);
	return rc;
}

static const char *const monit_aliases[] = {"dashboard", NULL};

const struct pmc_cli_command pmc_cmd_monit = {
    .name = "monit",
    .aliases = monit_aliases,
    .min_args = 0,
    .max_args = 0,
    .usage = "",
    .summary = "Live dashboard of every instance: cpu, memory, details and logs",
    .details = "A full-screen view, refreshed every second: every instance with its cpu and\n"
               "memory over the last minute, the selected instance's details (pid, uptime,\n"
               "restarts, last exit, mode, script) and its log output as it comes.\n"
               "Keys: up/down or j/k select, PgUp/PgDn/Home/End move further, r restarts and\n"
               "s stops the selected instance, l shows or hides the log pane, q or Ctrl-C quits.\n"
               "Needs a terminal; ends with a message when the daemon goes away.",
    .run = run_monit,
};

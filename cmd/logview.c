/* SPDX-License-Identifier: MIT */
/* How `pmc logs` prints log lines (prefixes, colours, timestamps, JSON) and follows the stream. */
#include "logview.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "name.h"
#include "render.h"
#include "xmalloc.h"

/* Label colours by pm_id, as PM2 has them; error lines are red. */
static const char *const label_colors[] = { "36", "32", "35", "33", "34" };
#define N_LABEL_COLORS (sizeof label_colors / sizeof label_colors[0])
#define SGR_ERR	       "31"
#define SGR_DAEMON     "1"
#define SGR_TIME       "2;90"

void pmc_logview_init(struct pmc_logview *v, FILE *out)
{
	memset(v, 0, sizeof *v);
	v->out = out;
}

static bool is_daemon(long long pm_id, const char *name)
{
	return pm_id == PMC_LOGVIEW_DAEMON_ID || (name && strcmp(name, "pmcd") == 0);
}

char *pmc_logview_label(long long pm_id, const char *name)
{
	if (is_daemon(pm_id, name))
		return xstrdup("PMC");
	return xasprintf("%lld|%s", pm_id, name ? name : "");
}

void pmc_logview_fit(struct pmc_logview *v, long long pm_id, const char *name)
{
	char *label = pmc_logview_label(pm_id, name);
	int w = (int)pmc_render_width(label);

	if (w > v->width)
		v->width = w;
	free(label);
}

static int64_t now(const struct pmc_logview *v)
{
	return v->now_ms ? v->now_ms() : pmc_clock_wall_ms();
}

/* "2026-11-25T09:30:29.633Z", as JavaScript writes a Date in JSON. */
static void iso_utc(int64_t ms, char *buf, size_t size)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&secs, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

/* A line the daemon logged as JSON (--log-type json) already has the shape: kept as is. */
static bool print_logged_json(struct pmc_logview *v, const char *line, size_t len)
{
	cJSON *obj;
	bool ok;

	if (len == 0 || line[0] != '{' || line[len - 1] != '}')
		return false;
	obj = cJSON_ParseWithLength(line, len);
	ok = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(obj, "message")) &&
	     cJSON_IsString(cJSON_GetObjectItemCaseSensitive(obj, "timestamp"));
	if (ok) {
		char *text = cJSON_PrintUnformatted(obj);
		fprintf(v->out, "%s\n", text);
		free(text);
	}
	cJSON_Delete(obj);
	return ok;
}

static void print_json(struct pmc_logview *v, long long pm_id, const char *name, bool err,
		       const char *line, size_t len, int64_t at_ms)
{
	cJSON *obj;
	char *message, stamp[96], *text;

	if (print_logged_json(v, line, len))
		return;
	obj = cJSON_CreateObject();
	message = xstrndup(line, len);

	if (is_daemon(pm_id, name))
		name = "pmcd";
	iso_utc(at_ms > 0 ? at_ms : now(v), stamp, sizeof stamp);
	cJSON_AddStringToObject(obj, "message", message);
	cJSON_AddStringToObject(obj, "timestamp", stamp);
	cJSON_AddStringToObject(obj, "type", err ? "err" : "out");
	cJSON_AddNumberToObject(obj, "process_id", (double)pm_id);
	cJSON_AddStringToObject(obj, "app_name", name ? name : "");
	text = cJSON_PrintUnformatted(obj);
	fprintf(v->out, "%s\n", text);
	free(text);
	free(message);
	cJSON_Delete(obj);
}

static const char *label_color(long long pm_id, const char *name, bool err)
{
	if (is_daemon(pm_id, name))
		return SGR_DAEMON;
	if (err)
		return SGR_ERR;
	return label_colors[(unsigned long long)(pm_id < 0 ? -pm_id : pm_id) % N_LABEL_COLORS];
}

static void print_prefix(struct pmc_logview *v, FILE *fp, long long pm_id, const char *name,
			 bool err)
{
	char *label = pmc_logview_label(pm_id, name);
	int pad = v->width - (int)pmc_render_width(label);

	if (v->color)
		fprintf(fp, "\x1b[%sm%s\x1b[0m", label_color(pm_id, name, err), label);
	else
		fputs(label, fp);
	fprintf(fp, "%*s | ", pad > 0 ? pad : 0, "");
	free(label);
}

void pmc_logview_line(struct pmc_logview *v, long long pm_id, const char *name, bool err,
		      const char *line, size_t len, int64_t at_ms)
{
	FILE *fp = err && v->err_out ? v->err_out : v->out;
	char stamp[256];

	if (v->broken)
		return;
	if (v->json) {
		print_json(v, pm_id, name, err, line, len, at_ms);
		return;
	}
	if (v->timestamp) {
		pmc_logview_format_time(v->timestamp, now(v), stamp, sizeof stamp);
		if (v->color)
			fprintf(fp, "\x1b[" SGR_TIME "m%s\x1b[0m ", stamp);
		else
			fprintf(fp, "%s ", stamp);
	}
	if (!v->raw)
		print_prefix(v, fp, pm_id, name, err);
	fwrite(line, 1, len, fp);
	fputc('\n', fp);
}

void pmc_logview_note(struct pmc_logview *v, const cJSON *params)
{
	const cJSON *pm_id = cJSON_GetObjectItemCaseSensitive(params, "pm_id");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(params, "name");
	const cJSON *stream = cJSON_GetObjectItemCaseSensitive(params, "stream");
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(params, "data");
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(params, "at");
	long long id = cJSON_IsNumber(pm_id) ? (long long)pm_id->valuedouble : 0;
	const char *app = cJSON_IsString(name) ? name->valuestring : "";
	bool err = cJSON_IsString(stream) && strcmp(stream->valuestring, "err") == 0;
	int64_t at_ms = cJSON_IsNumber(at) ? (int64_t)at->valuedouble : 0;
	const char *p, *nl;

	if (!cJSON_IsString(data) || (v->skip_daemon && is_daemon(id, app)))
		return;
	pmc_logview_fit(v, id, app);
	/* Whole lines: the last '\n' ends the data; anything after it is a line too. */
	for (p = data->valuestring; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl) {
			pmc_logview_line(v, id, app, err, p, strlen(p), at_ms);
			break;
		}
		pmc_logview_line(v, id, app, err, p, (size_t)(nl - p), at_ms);
	}
}

void pmc_logview_flush(struct pmc_logview *v)
{
	if (!v->broken && fflush(v->out) != 0)
		v->broken = true;
	if (!v->broken && v->err_out && fflush(v->err_out) != 0)
		v->broken = true;
}

/* Print every message already read; 0 or a negative errno. */
static int drain(struct pmc_logview *v, struct pmc_client *c)
{
	struct pmc_rpc_response msg;
	int n;

	while ((n = pmc_client_next(c, &msg)) > 0) {
		if (msg.is_notification && msg.method && strcmp(msg.method, "log") == 0)
			pmc_logview_note(v, msg.params);
		pmc_rpc_response_free(&msg);
	}
	pmc_logview_flush(v);
	if (n == 0 && v->broken)
		return -EPIPE;
	return n;
}

int pmc_logview_stream(struct pmc_logview *v, struct pmc_client *c, int stop_fd)
{
	struct pollfd pfd[2] = { { .fd = c->fd, .events = POLLIN },
				 { .fd = stop_fd, .events = POLLIN } };
	int err;

	for (;;) {
		err = drain(v, c);
		if (err < 0)
			return err;
		if (poll(pfd, stop_fd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/* Asked to stop: whatever is still unread does not matter any more. */
		if (stop_fd >= 0 && pfd[1].revents)
			return 0;
		if (pfd[0].revents) {
			err = pmc_client_fill(c);
			if (err < 0)
				return drain(v, c) ?: err;
		}
	}
}

/* Time formatting with dayjs tokens. */

struct tbuf {
	char *p;
	size_t size, len;
};

static void tput(struct tbuf *b, const char *s, size_t n)
{
	size_t room = b->size > b->len + 1 ? b->size - b->len - 1 : 0;

	if (n > room)
		n = room;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void tputf(struct tbuf *b, const char *fmt, long long value)
{
	char s[32];
	int n = snprintf(s, sizeof s, fmt, value);

	tput(b, s, (size_t)n);
}

static const char *const months[] = { "January", "February", "March",	  "April",
				      "May",	 "June",     "July",	  "August",
				      "September", "October", "November", "December" };
static const char *const days[] = { "Sunday",	"Monday", "Tuesday", "Wednesday",
				    "Thursday", "Friday", "Saturday" };

/* The UTC offset as "+01:00" (colon) or "+0100". */
static void put_offset(struct tbuf *b, const struct tm *tm, bool colon)
{
	long off = tm->tm_gmtoff / 60;
	char s[16];

	snprintf(s, sizeof s, colon ? "%c%02ld:%02ld" : "%c%02ld%02ld", off < 0 ? '-' : '+',
		 labs(off) / 60, labs(off) % 60);
	tput(b, s, strlen(s));
}

/* What a token shows. */
enum field {
	F_YEAR, F_YEAR2, F_MONTH, F_MDAY, F_WDAY, F_HOUR, F_HOUR12, F_MIN, F_SEC, F_MS,
	F_UNIX, F_UNIX_MS, F_NUMBERS, /* the fields above are numbers */
	F_MONTH_NAME, F_MONTH_ABBR, F_DAY_NAME, F_DAY_ABBR, F_DAY_MIN, F_OFFSET,
	F_OFFSET_COLON, F_AMPM_UPPER, F_AMPM,
};

struct token {
	const char *text;
	const char *fmt; /* numbers only */
	enum field field;
};

/* Longer tokens first: the first that matches wins. */
static const struct token tokens[] = {
	{ "YYYY", "%04lld", F_YEAR },	 { "YY", "%02lld", F_YEAR2 },
	{ "MMMM", NULL, F_MONTH_NAME },	 { "MMM", NULL, F_MONTH_ABBR },
	{ "MM", "%02lld", F_MONTH },	 { "M", "%lld", F_MONTH },
	{ "DD", "%02lld", F_MDAY },	 { "D", "%lld", F_MDAY },
	{ "dddd", NULL, F_DAY_NAME },	 { "ddd", NULL, F_DAY_ABBR },
	{ "dd", NULL, F_DAY_MIN },	 { "d", "%lld", F_WDAY },
	{ "HH", "%02lld", F_HOUR },	 { "H", "%lld", F_HOUR },
	{ "hh", "%02lld", F_HOUR12 },	 { "h", "%lld", F_HOUR12 },
	{ "mm", "%02lld", F_MIN },	 { "m", "%lld", F_MIN },
	{ "ss", "%02lld", F_SEC },	 { "s", "%lld", F_SEC },
	{ "SSS", "%03lld", F_MS },	 { "ZZ", NULL, F_OFFSET },
	{ "Z", NULL, F_OFFSET_COLON },	 { "A", NULL, F_AMPM_UPPER },
	{ "a", NULL, F_AMPM },		 { "X", "%lld", F_UNIX },
	{ "x", "%lld", F_UNIX_MS },
};

static void numbers(const struct tm *tm, int64_t ms, long long *v)
{
	v[F_YEAR] = tm->tm_year + 1900LL;
	v[F_YEAR2] = v[F_YEAR] % 100;
	v[F_MONTH] = tm->tm_mon + 1;
	v[F_MDAY] = tm->tm_mday;
	v[F_WDAY] = tm->tm_wday;
	v[F_HOUR] = tm->tm_hour;
	v[F_HOUR12] = tm->tm_hour % 12 ? tm->tm_hour % 12 : 12;
	v[F_MIN] = tm->tm_min;
	v[F_SEC] = tm->tm_sec;
	v[F_MS] = (long long)(ms % 1000);
	v[F_UNIX] = (long long)(ms / 1000);
	v[F_UNIX_MS] = (long long)ms;
}

static void put_text(struct tbuf *b, enum field field, const struct tm *tm)
{
	const char *month = months[tm->tm_mon], *day = days[tm->tm_wday];

	if (field == F_MONTH_NAME)
		tput(b, month, strlen(month));
	else if (field == F_MONTH_ABBR)
		tput(b, month, 3);
	else if (field == F_DAY_NAME)
		tput(b, day, strlen(day));
	else if (field == F_DAY_ABBR || field == F_DAY_MIN)
		tput(b, day, field == F_DAY_ABBR ? 3 : 2);
	else if (field == F_OFFSET || field == F_OFFSET_COLON)
		put_offset(b, tm, field == F_OFFSET_COLON);
	else
		tput(b, tm->tm_hour < 12 ? (field == F_AMPM ? "am" : "AM") :
					   (field == F_AMPM ? "pm" : "PM"), 2);
}

/* The token at fmt, or NULL. */
static const struct token *token_at(const char *fmt)
{
	size_t i;

	for (i = 0; i < sizeof tokens / sizeof tokens[0]; i++)
		if (strncmp(fmt, tokens[i].text, strlen(tokens[i].text)) == 0)
			return &tokens[i];
	return NULL;
}

size_t pmc_logview_format_time(const char *fmt, int64_t ms, char *buf, size_t size)
{
	struct tbuf b = { buf, size, 0 };
	time_t secs = (time_t)(ms / 1000);
	const struct token *t;
	long long v[F_NUMBERS];
	const char *close;
	struct tm tm;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	localtime_r(&secs, &tm);
	numbers(&tm, ms, v);
	while (*fmt) {
		if (*fmt == '[' && (close = strchr(fmt, ']'))) {
			tput(&b, fmt + 1, (size_t)(close - fmt - 1));
			fmt = close + 1;
		} else if ((t = token_at(fmt)) && t->fmt) {
			tputf(&b, t->fmt, v[t->field]);
			fmt += strlen(t->text);
		} else if (t) {
			put_text(&b, t->field, &tm);
			fmt += strlen(t->text);
		} else {
			tput(&b, fmt++, 1);
		}
	}
	return b.len;
}

bool pmc_logview_is_time_format(const char *word)
{
	static const char *const tokens[] = { "YY", "MM", "DD", "HH", "SSS" };
	size_t i;

	if (!pmc_name_valid(word))
		return true;
	for (i = 0; i < sizeof tokens / sizeof tokens[0]; i++)
		if (strstr(word, tokens[i]))
			return true;
	return false;
}

/* SPDX-License-Identifier: MIT */
/* Fuzz target for the protocol decoders; without libFuzzer, a corpus regression runner. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf, scandir */
#endif
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "frame.h"
#include "jsonrpc.h"
#include "params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant is a crash, so that the fuzzer keeps the input. */
#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,      \
				#cond);                                                      \
			abort();                                                             \
		}                                                                            \
	} while (0)

/* An encoded line: one '\n', at the very end. */
static void check_line(const char *s)
{
	size_t n = strlen(s);

	CHECK(n > 1 && s[n - 1] == '\n' && strchr(s, '\n') == s + n - 1);
}

/* What the daemon does with a line, plus re-encoding checks. */
static void decode_request(const char *line, size_t len)
{
	static const struct pmc_param spec[] = {
		{"targets", PMC_PARAM_STRINGS, false},
		{"n", PMC_PARAM_INT, false},
		{"force", PMC_PARAM_BOOL, false},
	};
	struct pmc_rpc_request req, again;
	cJSON *id = NULL;
	char *cause = NULL, *out, *out2;
	int rc;

	rc = pmc_rpc_request_decode(line, len, &req, &id, &cause);
	if (rc) {
		CHECK(cause && id && !req.root);
		out = pmc_rpc_encode_error(id, rc, cause, NULL);
		check_line(out);
		free(out);
		free(cause);
		cJSON_Delete(id);
		return;
	}
	CHECK(!cause && !id && req.method && *req.method);
	CHECK(req.has_id == (req.id != NULL));
	pmc_params_check(req.params, spec, sizeof(spec) / sizeof(spec[0]), &cause);
	free(cause);
	cause = NULL;

	out = pmc_rpc_encode_result(req.id, req.params);
	check_line(out);
	free(out);

	/* Re-encoded, the request decodes to itself: encoding is a fixed point. */
	out = pmc_rpc_encode_request(1, req.method, req.params);
	check_line(out);
	rc = pmc_rpc_request_decode(out, strlen(out), &again, NULL, &cause);
	CHECK(rc == 0);
	CHECK(!strcmp(again.method, req.method));
	CHECK(!again.params == !req.params);
	out2 = pmc_rpc_encode_request(1, again.method, again.params);
	CHECK(!strcmp(out, out2));
	free(out2);
	pmc_rpc_request_free(&again);
	free(out);
	pmc_rpc_request_free(&req);
}

/* What the client does with a line from the daemon. */
static void decode_response(const char *line, size_t len)
{
	struct pmc_rpc_response resp;
	char *cause = NULL;

	if (pmc_rpc_response_decode(line, len, &resp, &cause)) {
		CHECK(cause && !resp.root);
		free(cause);
		return;
	}
	CHECK(!cause && resp.root);
	if (resp.is_notification)
		CHECK(resp.method && *resp.method);
	else
		CHECK(!resp.result != !resp.error_message);
	pmc_rpc_response_free(&resp);
}

/* Decode from an exact-size copy so that any read past len is caught. */
static void decode_both(const char *line, size_t len)
{
	char *copy = malloc(len ? len : 1);

	CHECK(copy);
	if (len)
		memcpy(copy, line, len);
	decode_request(copy, len);
	decode_response(copy, len);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool hooks;
	struct pmc_frame f;
	size_t step, off = 0;
	char *line;
	size_t len;
	int rc = 0;

	if (!hooks) {
		pmc_rpc_init_json();
		hooks = true;
	}
	/* The whole input as one line. */
	decode_both((const char *)data, size);

	/* The input as a stream, in feeds of a size the first byte picks. */
	step = size ? (size_t)data[0] % 61 + 1 : 1;
	pmc_frame_init(&f, 4096);
	while (off < size && rc == 0) {
		size_t n = size - off < step ? size - off : step;

		rc = pmc_frame_feed(&f, (const char *)data + off, n);
		off += n;
		while (pmc_frame_next(&f, &line, &len) == 1) {
			CHECK(len <= f.max && line[len] == '\0');
			decode_both(line, len);
		}
		CHECK(f.len - f.start <= f.max + step);
	}
	if (rc) {
		CHECK(rc == -EMSGSIZE && f.overflow);
		CHECK(pmc_frame_next(&f, &line, &len) == -EMSGSIZE);
	}
	pmc_frame_close(&f);
	return 0;
}

#ifndef PMC_FUZZ_LIBFUZZER

/* Collect regular files under path (one level) into a growing list. */
static int collect(const char *path, char ***files, size_t *n)
{
	struct dirent **ents;
	struct stat st;
	int count;

	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode)) {
		*files = realloc(*files, (*n + 1) * sizeof(**files));
		CHECK(*files);
		(*files)[(*n)++] = strdup(path);
		return 0;
	}
	count = scandir(path, &ents, NULL, alphasort);
	if (count < 0)
		return -errno;
	for (int i = 0; i < count; i++) {
		char *full;

		if (ents[i]->d_name[0] != '.' &&
		    asprintf(&full, "%s/%s", path, ents[i]->d_name) > 0) {
			if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
				*files = realloc(*files, (*n + 1) * sizeof(**files));
				CHECK(*files);
				(*files)[(*n)++] = full;
			} else {
				free(full);
			}
		}
		free(ents[i]);
	}
	free(ents);
	return 0;
}

/* Read a whole file; NULL on error. */
static char *slurp(const char *path, size_t *size)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long end;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (end = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)end + 1);
		if (buf && fread(buf, 1, (size_t)end, fp) != (size_t)end) {
			free(buf);
			buf = NULL;
		}
		*size = (size_t)end;
	}
	fclose(fp);
	return buf;
}

/* Run every file named (or inside every folder named) through the target once; TAP out. */
int main(int argc, char **argv)
{
	char **files = NULL;
	size_t n = 0;
	int failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		int rc = collect(argv[i], &files, &n);

		if (rc < 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(-rc));
			failed = 1;
		}
	}
	printf("1..%zu\n", n);
	for (size_t k = 0; k < n; k++) {
		size_t size = 0;
		char *buf = slurp(files[k], &size);

		if (!buf) {
			printf("not ok %zu - %s # cannot read\n", k + 1, files[k]);
			failed = 1;
		} else {
			LLVMFuzzerTestOneInput((const uint8_t *)buf, size);
			printf("ok %zu - %s\n", k + 1, files[k]);
		}
		fflush(stdout);
		free(buf);
		free(files[k]);
	}
	free(files);
	return failed;
}

#endif

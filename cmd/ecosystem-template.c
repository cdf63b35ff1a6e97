/* SPDX-License-Identifier: MIT */
/* The starter ecosystem files that `pmc ecosystem` writes. */
#include "ecosystem.h"

static const char js_full[] =
    "// pmc ecosystem file (the format of PM2's ecosystem.config.js).\n"
    "// Start every app with `pmc start ecosystem.config.js`, one with --only NAME,\n"
    "// with the env_production variables with --env production. Relative paths\n"
    "// are relative to this file's folder. Every field: man 5 pmc-ecosystem.\n"
    "module.exports = {\n"
    "  apps: [\n"
    "    {\n"
    "      name: 'web',\n"
    "      script: 'app.js',\n"
    "      // args: '--port 3000',            // a string or an array\n"
    "      // cwd: '.',                        // the app's folder\n"
    "      instances: 2,                        // or 'max': one per CPU\n"
    "      exec_mode: 'cluster',                // instances share the port\n"
    "      port: 3000,                          // sets PORT and shares 0.0.0.0:3000\n"
    "      env: {\n"
    "        NODE_ENV: 'development',\n"
    "      },\n"
    "      env_production: {\n"
    "        NODE_ENV: 'production',\n"
    "      },\n"
    "      // max_memory_restart: '300M',\n"
    "      // watch: ['src'],                  // restart when these change\n"
    "      // ignore_watch: ['node_modules'],\n"
    "      // cron_restart: '0 3 * * *',\n"
    "      // wait_ready: true,                 // ready on process.send('ready')\n"
    "      // listen_timeout: '5s',\n"
    "      // kill_timeout: 1600,\n"
    "      // out_file: 'logs/web-out.log',\n"
    "      // error_file: 'logs/web-error.log',\n"
    "      // time: true,                       // timestamp each log line\n"
    "    },\n"
    "    {\n"
    "      name: 'worker',\n"
    "      script: 'worker.js',\n"
    "      // interpreter: 'node',\n"
    "      // autorestart: true,\n"
    "      // min_uptime: '1s',\n"
    "      // max_restarts: 16,\n"
    "      // restart_delay: 0,\n"
    "      // exp_backoff_restart_delay: 100,\n"
    "      // stop_exit_codes: [0],\n"
    "    },\n"
    "  ],\n"
    "};\n";

static const char js_simple[] = "module.exports = {\n"
                                "  apps: [\n"
                                "    {\n"
                                "      name: 'app',\n"
                                "      script: 'app.js',\n"
                                "    },\n"
                                "  ],\n"
                                "};\n";

static const char json_full[] = "{\n"
                                "  \"apps\": [\n"
                                "    {\n"
                                "      \"name\": \"web\",\n"
                                "      \"script\": \"app.js\",\n"
                                "      \"instances\": 2,\n"
                                "      \"exec_mode\": \"cluster\",\n"
                                "      \"port\": 3000,\n"
                                "      \"env\": { \"NODE_ENV\": \"development\" },\n"
                                "      \"env_production\": { \"NODE_ENV\": \"production\" }\n"
                                "    },\n"
                                "    {\n"
                                "      \"name\": \"worker\",\n"
                                "      \"script\": \"worker.js\"\n"
                                "    }\n"
                                "  ]\n"
                                "}\n";

static const char json_simple[] = "{\n"
                                  "  \"apps\": [\n"
                                  "    { \"name\": \"app\", \"script\": \"app.js\" }\n"
                                  "  ]\n"
                                  "}\n";

const char *pmc_eco_template(enum pmc_eco_kind kind, bool simple)
{
	if (kind == PMC_ECO_JSON)
		return simple ? json_simple : json_full;
	return simple ? js_simple : js_full;
}

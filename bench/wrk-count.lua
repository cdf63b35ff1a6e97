-- SPDX-License-Identifier: MIT
-- wrk script: counts non-2xx responses and responses per pid (the body of the test app is its
-- pid), then prints one "wrk-count ..." line with wrk's own totals, errors and percentiles.
local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	non2xx = 0
	pids = {}
end

function response(status, headers, body)
	if status < 200 or status > 299 then
		non2xx = non2xx + 1
	end
	local pid = body and body:match("^(%d+)")
	if pid then
		pids[pid] = (pids[pid] or 0) + 1
	end
end

function done(summary, latency, requests)
	local bad, per = 0, {}
	for _, t in ipairs(threads) do
		bad = bad + t:get("non2xx")
		for pid, n in pairs(t:get("pids")) do
			per[pid] = (per[pid] or 0) + n
		end
	end
	local list = {}
	for pid, n in pairs(per) do
		table.insert(list, pid .. ":" .. n)
	end
	table.sort(list)
	local e = summary.errors
	io.write(string.format("wrk-count requests=%d duration_us=%d connect=%d read=%d write=%d "
		.. "timeout=%d status=%d non2xx=%d p50_us=%d p99_us=%d max_us=%d pids=%s\n",
		summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
		bad, latency:percentile(50), latency:percentile(99), latency.max,
		table.concat(list, ",")))
end

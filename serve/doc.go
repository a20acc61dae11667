// Package serve is leadscore's scoring API: a gin HTTP server over a
// directory of model bundles that scores leads with the champion bundle and
// swaps in new bundles without dropping a request.
//
// # Models directory
//
// Config.ModelsDir (--models) holds one bundle directory per version, as
// 'leadscore train --out' writes them (a bundle has a manifest.json), and
// an optional file named champion holding the version to serve. Without it
// the newest bundle (manifest created_at) that loads serves. The directory
// is polled every Config.PollInterval (default 3 s); a new bundle, a changed
// champion file, SIGHUP or POST /v1/admin/reload loads the champion in the
// background and publishes it atomically: requests already running finish
// on the model they started with. A damaged or incompatible bundle is
// refused, logged and listed on /readyz and /v1/models while the current
// model keeps serving. A bundle is complete when its manifest lists every
// file of its directory and every listed file is there with its checksum;
// an incomplete one (copied manifest first) is refused and checked again
// when any of its files changes. Check results are cached by content (the
// manifest's bytes and every file's name, size and modification time), so
// GET /v1/models/{version} checks a damaged bundle once, and GET /v1/models
// lists a bundle nobody has checked yet as unchecked, not available. Two
// directories with one version: only the one named by the version may
// serve. When nothing serves (at start, or in a new replica) and the
// champion file names a bundle that fails its checks, the newest bundle
// that passes serves instead: an ERROR log, /readyz "fallback", the gauge
// leadscore_model_fallback and Server.Fallback (the dashboard's banner) say
// so until the champion file names a good bundle.
//
// # Endpoints
//
//	POST /v1/score                    one lead -> its score (200, 400, 401, 413, 415, 422, 503)
//	POST /v1/score/batch              leads as a JSON array or NDJSON -> results in order (200, 400, 401, 413, 415, 503)
//	GET  /v1/models                   every bundle and its status (200, 401)
//	GET  /v1/models/{version}         metadata, metrics, features, leakage audit (200, 401, 404)
//	POST /v1/models/{version}/promote admin: write the champion file, swap (200, 401, 403, 404, 422)
//	POST /v1/admin/reload             admin: rescan now (200, 401, 403)
//	GET  /v1/admin/webhooks/deliveries             admin: the webhook delivery log, ?state=pending|delivered|dead (200, 400, 401, 403, 404)
//	POST /v1/admin/webhooks/deliveries/{id}/replay admin: send a dead-lettered delivery again (200, 401, 403, 404, 409)
//	GET  /healthz                     the process is alive (200)
//	GET  /readyz                      a model is loaded (200) or not (503); refused bundles
//	GET  /metrics                     Prometheus metrics of this Server (private registry)
//	GET  /openapi.json                the OpenAPI 3 document of all of the above
//
// Unknown paths answer 404 and wrong methods 405, as JSON. Every error is
// {"error": {"code": "...", "field": "...", "message": "..."}}, for example
// {"error": {"code": "invalid_field", "field": "fields.TotalVisits",
// "message": "expected a number, got \"abc\""}}. Every response carries an
// X-Request-ID header (the client's when valid, else generated).
//
// # A lead
//
//	{"lead_id": "L-1", "as_of": "2025-06-01T00:00:00Z",
//	 "fields": {"Lead Source": "Google", "TotalVisits": 5, "created_at": "2025-05-20"},
//	 "events": [{"type": "page_view", "timestamp": "2025-05-21T10:00:00Z", "page": "pricing"}]}
//
// as_of is the scoring moment (default now); only events before it count.
// Field values follow the model's field kinds: numbers as JSON numbers or
// numeric strings (finite only), booleans as true/false, yes/no or 1/0,
// categories and text as strings (numbers taken as written), timestamps as
// RFC 3339 or 2006-01-02. A field left out, null, "" or holding one of the
// model's missing-value markers (Schema.MissingValues, such as "Select",
// and the readers' defaults "NA", "null", "NaN", ...) is missing: the
// scoring path imputes it as training did and warns (missing_imputed), as
// it does for the same lead read from a file. A field the model does not
// know is kept for the rule sheet and reported in the result's warnings
// (unknown_field). Event keys other than type and timestamp are attributes
// (page, channel). Malformed JSON, a key given twice in one object
// (duplicate_key: JSON leaves its meaning open), wrong types, non-finite
// numbers, numbers in strings spelled other than in decimal ("1_000",
// "0x1p10"), unparsable timestamps, timestamps before 1970, timestamps more
// than a day after as_of (as_of itself: after the server's clock) and event
// types the model never saw are refused with 400 and the offending field;
// a lead lacking fields the model requires gets one 400 missing_field
// whose "fields" lists all of them, and a lead created after as_of a 400
// naming as_of.
//
// Scoring is package models' one scoring path (Scorer.ScoreInto for one
// lead, Bundle.ScoreRows for a batch); the answer is the models.Result
// JSON (Result.AppendJSON), with warnings as {"code", "field", "message"}. ?explain=K (default 5) returns the K
// largest positive and K largest negative field contributions, 0 none, all
// every field (then base_value + the contributions = raw); ?all_models=1
// adds every model's probability.
//
// # Limits
//
// A body is read as it arrives, into a buffer that grows with the bytes
// received (a declared Content-Length never sizes it ahead of them). A body
// sent with Content-Encoding: gzip is decompressed as it is read, and the
// limits below apply to the decompressed bytes; other encodings get 415. A
// body that does not arrive within the read timeout gets 408
// request_timeout.
//
// A /v1/score body may hold Config.MaxBodyBytes (--max-body, default 1 MiB).
// A /v1/score/batch body may hold Config.MaxBatchBodyBytes
// (--max-batch-body, default 64 MiB) and Config.MaxBatchLeads leads
// (--max-batch-leads, default 10,000). Beyond them the request is refused
// whole with 413 (body_too_large, batch_too_large). A lead may hold
// Config.MaxEventsPerLead events (--max-events-per-lead, default 10,000)
// and, inside a batch, Config.MaxBodyBytes bytes; beyond them the request
// is refused with 413 (too_many_events, body_too_large) whose field names
// the lead ("events", or "[i].events" for the i-th lead of a batch). All
// requests together hold at most Config.MaxInflightBytes of bodies
// (--max-inflight-bytes, default 256 MiB); a request that would pass it is
// answered 503 overloaded with Retry-After: 1 instead of growing the heap.
// Buffers and decoders above a few MiB are dropped after a request rather
// than pooled. While Serve runs, the Go runtime's soft memory limit is
// Config.MemoryLimit (--memory-limit, default --max-inflight-bytes + 192
// MiB; GOMEMLIMIT overrides), so the collector works harder near it rather
// than let the heap reach twice what is live; and the collector's GOGC is
// Config.GCPercent (--gc-percent, default 400; GOGC overrides): scoring
// allocates a few KB per request while little stays live, so a busy
// server at the runtime's 100 collects several times a second, each
// collection holding up the requests queued behind it. With the defaults the
// attacks of issue 19 (40 connections declaring 64 MB, a 63 MB lead of
// 800,000 events, 4 concurrent 50 MB batches) peak under 512 MB of RSS
// (go run ./bench/servemem; BENCHMARKS.md). A batch is answered in
// the form it came in (array or NDJSON), in order; a lead that is invalid
// alone is answered {"index": i, "error": {...}} in its place. Batches are
// scored in parallel chunks on every core.
//
// # Security
//
// With Config.APIKeysFile (--api-keys), every /v1 endpoint needs
// "Authorization: Bearer KEY". The file has one "KEY SCOPE" per line, scope
// score, admin or metrics (admin may also score; promote and reload need
// admin; a metrics key reads /metrics and the detailed /readyz only);
// blank lines and # comments are ignored, keys have at least 16 characters
// and a bad line stops the start with its line number. Keys are compared in
// constant time against every key. Missing or unknown keys get 401, a score
// key on an admin endpoint 403. /healthz, /readyz, /metrics and
// /openapi.json need no key, unless Config.ProtectMetrics
// (--protect-metrics): then /metrics needs a metrics or admin key, and
// /readyz without one answers {"status": "ready"} (or "not_ready",
// "draining") alone, without model versions, refusals or paths. Metric
// labels cannot be grown by clients: a method outside the standard ones is
// labelled "other" and a route by its template ("/v1/models/:version",
// "unmatched"). Without a keys file, Run refuses any address but loopback.
//
// # Pages beside the API
//
// serve imports no user interface. A package that serves pages beside the
// API (the dashboard, package serve/dashboard) is wired by the command:
// New, then routes on Server.Router (they share the request ids, access log,
// panic recovery and metrics, labelled by route template), HandleUnmatched
// for its own 404 and 405 under a prefix, then ListenAndServe. It reads what
// it needs through Current, Refusals, Config, Authorized, ReportHTML and
// the like, and scores with the served bundle itself (Model.Bundle).
//
// # Rescoring
//
// With a lead store, every lead POST /v1/leads, /v1/events or
// /v1/outcomes writes is rescored through the scoring path once no change
// of it has arrived for Config.RescoreDebounce (--rescore-debounce,
// default 1 s; at the latest five debounces after its first change), so a
// burst of events gives one rescore. The waiting rescore is kept in the
// store too (pending_rescores, written in the transaction of the change
// and settled in the one that logs the rescore), and New takes the
// waiting ones back, so a crash or stop does not defer them to the next
// sweep. Serve gives the store a pending slack of half the debounce (at
// most 0.5 s, store.SetPendingSlack): a lead's row is written again only
// when its latest written change is older than that. Each rescore goes to the prediction
// log (source rescore) and is compared with the lead's previous logged
// score (webhook.Changes): tier, MQL and disqualification changes, and the
// rescore after an outcome, go to the webhooks. Server.NotifyChanged and
// Server.RescoreDue are the same steps for other writers and for tests
// with a simulated clock. Time moves scores too (engagement decays, leads
// age): a sweep rescores the active leads (an event within
// --active-window, 30 days) every --sweep-active-every (1 h) and every
// stored lead every --sweep-every (24 h), as Server.Sweep.
//
// # Webhooks
//
// With Config.Webhooks (--webhook-url URL --webhook-secret-file FILE,
// repeatable, or --webhook-config FILE) the server delivers the changes a
// rescore publishes (Server.Webhooks, package serve/webhook) to every
// receiver, signed with its secret, from an outbox: the lead store's
// webhook_outbox table (deliveries survive restarts, replicas share it),
// in memory without a store. A background sender retries
// failed deliveries with exponential backoff and jitter and dead-letters
// them after --webhook-max-attempts; an admin lists them and replays one
// on the endpoints above, and leadscore_webhook_attempts_total counts the
// attempts by target and result.
//
// # Monitoring
//
// With a lead store, the server judges the scores of its prediction log
// once their horizon (the served bundle's) has passed, labelled by the
// store's won outcomes, every Config.Monitor.Every (--monitor-every), with
// package serve/monitor: per model version and rule sheet, calibration by
// decile, ECE, ROC AUC, top-10% capture and tier and MQL conversion, as
// leadscore_monitor_* gauges and Server.Monitoring (the dashboard). A
// model whose live ECE or AUC has degraded beyond the thresholds
// (--monitor-max-ece-rise, --monitor-max-auc-drop) against its bundle's
// held-out figures raises an alert: leadscore_monitor_alert, an ERROR log
// line, the dashboard's banner.
//
// # Operations
//
// Run sets read-header, read, write and idle timeouts
// (--read-header-timeout 5s, --read-timeout 60s, --write-timeout 120s,
// --idle-timeout 120s). On SIGTERM, SIGINT or context cancellation /readyz
// answers 503 "draining" for Config.Drain (--drain, default 5 s) while
// requests are still served, so load balancers stop sending them; then the
// listener closes and in-flight requests get Config.ShutdownTimeout
// (--shutdown-timeout) to finish. A shutdown that times out cuts them off,
// logs it at ERROR and still returns nil (exit 0). SIGHUP reloads. On start,
// temporary files and directories that crashed writes left in the models
// directory (".NAME.tmp-*", ".NAME.old-*", older than an hour) are removed,
// as 'leadscore gc' does on demand. An API keys file that group or others
// may write is refused, and a key with less than 64 bits of estimated
// entropy draws a warning naming its line (never the key). Access logs (log/slog) hold the route, status, latency, lead count
// and request id, never a lead's field values; a panic is logged with the
// request id and answered 500 without details.
//
// # The lead store
//
// With Config.Store or Config.StoreURL (--store sqlite:PATH or
// postgres://...; the command's default is DefaultStoreURL, "none" turns
// it off) the server keeps leads, events, outcomes and the prediction log
// in package datasets/store: POST /v1/leads, /v1/events and /v1/outcomes
// (one object or an array; one transaction each, answered after commit; a
// bad item refuses the request naming "[i].field", or with ?partial=1 is
// listed under "rejected"), GET /v1/leads/{id} (the stored lead scored
// through the scoring path as of ?as_of= or now rounded up to the second,
// with "as_of", "fields" and "event_count"; the lead's last answer is
// issued again while its version in the store, the model, the moment and
// the options are the same: leadAnswers), GET /v1/leads/{id}/scores and
// GET /v1/scores?since=.
// Every score issued is appended to the prediction log by one goroutine
// that commits what gathered in 50 ms (scoreLog), the repeats of one
// answer in one row (store.LogScores); Config.ScoreRetention
// (--score-retention) prunes it hourly. Rescore scores stored leads in bulk
// (leadscore score --store). Without a store those endpoints answer 404.
package serve

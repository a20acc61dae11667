// Package dashboard is leadscore's web application for marketers, served
// beside the scoring API by the same process. serve does not import it:
// the command builds the server, mounts the dashboard on it and serves.
//
//	srv, err := serve.New(cfg)
//	...
//	if err := dashboard.Mount(srv, dashboard.Options{}); err != nil { ... }
//	return srv.ListenAndServe(ctx)
//
// Pages are rendered on the server from embedded templates and need no
// external asset (no CDN, no script). Every score they show comes from the
// bundle's one scoring path in package models: a lead through
// Scorer.Score, a file through Bundle.ScoreInputs, both with every
// contribution and every model's probability (ExplainAll, AllModels).
// While the champion file names a bundle that fails its checks and another
// serves in its place (serve.Server.Fallback), every page but the login
// form shows a banner saying so; so does every page while a monitoring
// alert is raised (serve.Server.Monitoring).
//
// # Routes
//
//	GET  /                      overview: the served model, its held-out metrics, score distribution and tiers, the last batch, the latest report
//	GET  /ui/style.css          the stylesheet
//	GET  /ui/login              the key form (only with API keys)
//	POST /ui/login              log in: key
//	POST /ui/logout             log out
//	GET  /ui/score              the score form and the upload form
//	POST /ui/score              score one lead from the form
//	POST /ui/upload             score a file of leads (multipart: file, events, as_of), then 303 to /ui/batch
//	GET  /ui/batch              the last batch, ?page=N (1-based), Options.PageSize leads per page
//	GET  /ui/batch.csv          the whole last batch as a score file (below)
//	GET  /ui/leads/:id          one lead of the last batch by lead id: its contribution waterfall and fired rules
//	GET  /ui/compare            rules tier x model tier of the last batch; per-rule table of the newest compare report
//	GET  /ui/reports            the reports, newest first
//	GET  /ui/reports/:id        one report inside the dashboard's layout (in a frame)
//	GET  /ui/reports/:id/html   the report's own HTML, as GET /reports/{id} serves it
//	GET  /ui/monitoring         live calibration by decile, ECE, ROC AUC, top-10% capture and tier/MQL conversion of judged scores, per version and rule sheet, against the held-out figures
//	GET  /ui/webhooks           the webhook receivers, dead letters and the delivery log
//	POST /ui/webhooks/:id/replay  replay a dead-lettered delivery (a key of scope admin), then 303 to /ui/webhooks
//	GET  /ui/models             Model history: every retrain's decision record, newest first
//
// An unknown page under /ui answers the dashboard's HTML 404 (405 for a
// method the page does not take); other unknown paths keep the API's JSON
// errors.
//
// # Upload
//
// POST /ui/upload is a multipart/form-data form with the fields
//
//	csrf     the session's CSRF token (below)
//	file     the leads: any table datasets reads, by extension (.csv and .tsv with a sniffed delimiter, .parquet, .arrow, .jsonl)
//	events   optional: the leads' events, for models trained on leads, events and outcomes
//	as_of    optional: the scoring time, RFC 3339, 2006-01-02T15:04[:05] (UTC) or 2006-01-02; default now
//
// The files are read with the bundle's missing-value markers and scored as
// `leadscore score --model DIR --in FILE [--events FILE] --as-of T
// --explain all --all-models` scores them: every input row comes back, in
// input order, scored or with the reason it was not. A file the reader
// refuses (a ragged row, a value that does not parse as its column's type)
// is refused whole with the reader's error, naming the file, line and
// column.
//
// GET /ui/batch.csv returns the last batch as that command's --out x.csv
// writes it (models.ScoreFile: lead_id, probability, score, percentile,
// grade, tier, model, rules_points, rules_tier, probability_<model>,
// reasons, warnings, error), one row per input row in input order, numbers
// in full precision. The last batch is the server's, shared by every
// browser, until the next upload.
//
// # Sessions
//
// Every form carries a CSRF token: the first page a browser opens sets the
// leadscore_csrf cookie, and forms send the same value in the csrf field.
// A client other than a browser gets both from GET /ui/score. With API keys
// (serve.Config.APIKeysFile) the dashboard asks for a key of scope score or
// admin once and keeps it in the leadscore_key cookie; both cookies are
// HttpOnly and SameSite=Strict (and Secure over TLS).
package dashboard

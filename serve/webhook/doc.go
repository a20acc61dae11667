// Package webhook hands scores to sales: it decides which changes of a
// lead's score are worth a message (Changes), keeps every message in an
// outbox until the receiver acknowledges it, and delivers it signed, at
// least once and in order per lead (Dispatcher).
//
// # Events
//
// A rescore of a lead compares its previous result with the new one
// (Changes): tier_changed when the model's tier moves between cold, warm
// and hot; mql_changed when the rule sheet's MQL status changes (points at
// or above the sheet's MQL threshold and not disqualified, that is rule
// tier warm or hot); disqualification_changed when a disqualify rule starts
// or stops firing; and rescored_after_outcome for the rescore that follows
// a recorded outcome, whatever changed. A lead's first score counts as a
// change from nothing: it fires tier_changed when the tier is warm or hot,
// mql_changed when it is an MQL and disqualification_changed when it is
// disqualified, so a lead that arrives hot reaches sales at once.
//
// # Deliveries
//
// Every event becomes one delivery per target: a POST of the Payload as
// JSON with the headers
//
//	Content-Type: application/json
//	X-Leadscore-Event: tier_changed
//	X-Leadscore-Delivery: <the delivery id, the same on every retry>
//	X-Leadscore-Signature: sha256=<hex HMAC-SHA256 of the body with the target's secret>
//
// A 2xx answer acknowledges it; anything else (another status, a timeout,
// a refused connection) is retried after an exponential backoff with
// jitter: attempt n waits min(MaxDelay, BaseDelay*2^(n-1)), of which a
// random half (seeded by Options.Seed and the delivery id) is jitter.
// After Options.MaxAttempts attempts the delivery is dead-lettered; an
// admin replays it (Dispatcher.Replay), which queues it again with its
// delivery id and body unchanged and its attempts reset.
//
// Delivery is at least once: a receiver may see a delivery again (after a
// timeout whose answer was lost, or a crash between sending and recording
// the answer) and should drop repeated delivery ids. It is in order per
// lead and target: a delivery is not sent while an older live delivery of
// the same lead to the same target waits. A dead-lettered delivery leaves
// that line so one payload the receiver keeps refusing cannot hold a lead's
// later messages forever; its replay is sent as the lead's newest. The
// payload's occurred_at says when the change happened, so a receiver can
// tell a replayed old change from a new one.
//
// The Outbox interface is what the dispatcher needs from storage.
// MemoryOutbox keeps it in memory (tests, and serve without a store); serve
// keeps it in the lead store's webhook_outbox table, so deliveries survive
// restarts. Package outboxtest is the suite both pass.
package webhook

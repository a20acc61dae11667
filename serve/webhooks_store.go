package serve

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/serve/webhook"
)

// outboxStore is what the webhook outbox needs from the lead store.
type outboxStore interface {
	OutboxEnqueue(ctx context.Context, items []store.OutboxItem) error
	OutboxClaim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]store.OutboxItem, error)
	OutboxAck(ctx context.Context, id string, at time.Time, status int) error
	OutboxAckAll(ctx context.Context, ids []string, at time.Time, statuses []int) error
	OutboxFail(ctx context.Context, id string, attempts int, next time.Time, status int, reason string) error
	OutboxDeadLetter(ctx context.Context, id string, attempts int, at time.Time, status int, reason string) error
	OutboxReplay(ctx context.Context, id string, now time.Time) error
	OutboxList(ctx context.Context, state string, limit int) ([]store.OutboxItem, error)
	OutboxGet(ctx context.Context, id string) (store.OutboxItem, error)
}

// storeOutbox is the lead store's webhook_outbox table as a
// webhook.Outbox: deliveries survive a restart, and replicas sharing the
// store share the outbox.
type storeOutbox struct{ st outboxStore }

func toItem(d webhook.Delivery) store.OutboxItem {
	return store.OutboxItem{ID: d.ID, Target: d.Target, LeadID: d.LeadID, Event: d.Event, Seq: d.Seq, Body: d.Body, State: d.State,
		Attempts: d.Attempts, NextAttempt: d.NextAttempt, CreatedAt: d.CreatedAt, DoneAt: d.DoneAt, LastStatus: d.LastStatus, LastError: d.LastError}
}

func toDelivery(it store.OutboxItem) webhook.Delivery {
	return webhook.Delivery{ID: it.ID, Target: it.Target, LeadID: it.LeadID, Event: it.Event, Seq: it.Seq, Body: it.Body, State: it.State,
		Attempts: it.Attempts, NextAttempt: it.NextAttempt, CreatedAt: it.CreatedAt, DoneAt: it.DoneAt, LastStatus: it.LastStatus, LastError: it.LastError}
}

func toDeliveries(items []store.OutboxItem) []webhook.Delivery {
	out := make([]webhook.Delivery, len(items))
	for i, it := range items {
		out[i] = toDelivery(it)
	}
	return out
}

// outboxErr maps the store's errors to webhook's.
func outboxErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%w (%v)", webhook.ErrNotFound, err)
	case errors.Is(err, store.ErrNotDead):
		return fmt.Errorf("%w (%v)", webhook.ErrNotDead, err)
	}
	return err
}

func (o storeOutbox) Enqueue(ctx context.Context, ds []webhook.Delivery) error {
	items := make([]store.OutboxItem, len(ds))
	for i, d := range ds {
		if d.ID == "" {
			return errors.New("webhook outbox: a delivery needs an id")
		}
		items[i] = toItem(d)
	}
	return o.st.OutboxEnqueue(ctx, items)
}

func (o storeOutbox) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]webhook.Delivery, error) {
	items, err := o.st.OutboxClaim(ctx, now, limit, lease)
	return toDeliveries(items), err
}

func (o storeOutbox) Ack(ctx context.Context, id string, at time.Time, status int) error {
	return outboxErr(o.st.OutboxAck(ctx, id, at, status))
}

// AckAll makes storeOutbox a webhook.BatchAcker: one transaction per pass.
func (o storeOutbox) AckAll(ctx context.Context, acks []webhook.Ack) error {
	ids, statuses := make([]string, len(acks)), make([]int, len(acks))
	at := time.Time{}
	for i, a := range acks {
		ids[i], statuses[i] = a.ID, a.Status
		if a.At.After(at) {
			at = a.At
		}
	}
	return outboxErr(o.st.OutboxAckAll(ctx, ids, at, statuses))
}

func (o storeOutbox) Fail(ctx context.Context, id string, attempts int, next time.Time, status int, reason string) error {
	return outboxErr(o.st.OutboxFail(ctx, id, attempts, next, status, reason))
}

func (o storeOutbox) DeadLetter(ctx context.Context, id string, attempts int, at time.Time, status int, reason string) error {
	return outboxErr(o.st.OutboxDeadLetter(ctx, id, attempts, at, status, reason))
}

func (o storeOutbox) Replay(ctx context.Context, id string, now time.Time) error {
	return outboxErr(o.st.OutboxReplay(ctx, id, now))
}

func (o storeOutbox) List(ctx context.Context, state string, limit int) ([]webhook.Delivery, error) {
	items, err := o.st.OutboxList(ctx, state, limit)
	return toDeliveries(items), err
}

func (o storeOutbox) Get(ctx context.Context, id string) (webhook.Delivery, error) {
	it, err := o.st.OutboxGet(ctx, id)
	if err != nil {
		return webhook.Delivery{}, outboxErr(err)
	}
	return toDelivery(it), nil
}

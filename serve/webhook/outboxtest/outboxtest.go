// Package outboxtest is the suite every webhook.Outbox implementation
// passes: the in-memory one and the lead store's table. Call Run from the
// implementation's tests with a constructor of empty outboxes.
package outboxtest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/serve/webhook"
)

var t0 = time.Date(2026, 2, 1, 8, 0, 0, 0, time.UTC)

func delivery(id, target, lead string) webhook.Delivery {
	return webhook.Delivery{ID: id, Target: target, LeadID: lead, Event: webhook.KindTierChanged,
		Body: []byte(`{"lead_id":"` + lead + `"}`), NextAttempt: t0, CreatedAt: t0}
}

func ids(ds []webhook.Delivery) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

// Run runs the suite; open returns a new, empty outbox.
func Run(t *testing.T, open func(t *testing.T) webhook.Outbox) {
	ctx := context.Background()
	t.Run("claim heads in order", func(t *testing.T) {
		o := open(t)
		require.NoError(t, o.Enqueue(ctx, []webhook.Delivery{
			delivery("a1", "crm", "A"), delivery("b1", "crm", "B"), delivery("a2", "crm", "A"), delivery("a1-chat", "chat", "A"),
		}))
		got, err := o.Claim(ctx, t0, 10, time.Minute)
		require.NoError(t, err)
		assert.Equal(t, []string{"a1", "b1", "a1-chat"}, ids(got), "one head per lead and target, oldest first")
		assert.Equal(t, `{"lead_id":"A"}`, string(got[0].Body))
		assert.Equal(t, webhook.StatePending, got[0].State)
		assert.Less(t, got[0].Seq, got[1].Seq)
		again, err := o.Claim(ctx, t0.Add(30*time.Second), 10, time.Minute)
		require.NoError(t, err)
		assert.Empty(t, again, "leased")
		again, err = o.Claim(ctx, t0.Add(time.Minute), 2, time.Minute)
		require.NoError(t, err)
		assert.Equal(t, []string{"a1", "b1"}, ids(again), "the lease ran out; limit holds")
	})
	t.Run("ack moves the line", func(t *testing.T) {
		o := open(t)
		require.NoError(t, o.Enqueue(ctx, []webhook.Delivery{delivery("a1", "crm", "A"), delivery("a2", "crm", "A")}))
		_, err := o.Claim(ctx, t0, 10, time.Minute)
		require.NoError(t, err)
		require.NoError(t, o.Ack(ctx, "a1", t0.Add(time.Second), 204))
		got, err := o.Claim(ctx, t0.Add(time.Second), 10, time.Minute)
		require.NoError(t, err)
		assert.Equal(t, []string{"a2"}, ids(got))
		d, err := o.Get(ctx, "a1")
		require.NoError(t, err)
		assert.Equal(t, webhook.StateDelivered, d.State)
		assert.Equal(t, 1, d.Attempts)
		assert.Equal(t, 204, d.LastStatus)
		assert.True(t, d.DoneAt.Equal(t0.Add(time.Second)))
		assert.Error(t, o.Ack(ctx, "a1", t0, 200), "acknowledged once")
	})
	t.Run("batch ack moves the lines, all or nothing", func(t *testing.T) {
		o := open(t)
		b, ok := o.(webhook.BatchAcker)
		if !ok {
			t.Skipf("%T acknowledges one delivery at a time (no AckAll)", o)
		}
		require.NoError(t, o.Enqueue(ctx, []webhook.Delivery{delivery("a1", "crm", "A"), delivery("b1", "crm", "B"), delivery("a2", "crm", "A"), delivery("c1", "crm", "C")}))
		_, err := o.Claim(ctx, t0, 10, time.Minute)
		require.NoError(t, err)
		at := t0.Add(time.Second)
		require.NoError(t, b.AckAll(ctx, []webhook.Ack{{ID: "a1", At: at, Status: 200}, {ID: "b1", At: at, Status: 204}}))
		for id, status := range map[string]int{"a1": 200, "b1": 204} {
			d, err := o.Get(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, webhook.StateDelivered, d.State, id)
			assert.Equal(t, status, d.LastStatus, id)
			assert.Equal(t, 1, d.Attempts, id)
		}
		got, err := o.Claim(ctx, at, 10, time.Minute)
		require.NoError(t, err)
		assert.Equal(t, []string{"a2"}, ids(got), "a2 is next in A's line; c1 is still leased")
		// One delivery not pending: nothing of the batch is marked.
		require.Error(t, b.AckAll(ctx, []webhook.Ack{{ID: "a2", At: at, Status: 200}, {ID: "a1", At: at, Status: 200}}))
		require.ErrorIs(t, b.AckAll(ctx, []webhook.Ack{{ID: "zz", At: at, Status: 200}}), webhook.ErrNotFound)
		d, err := o.Get(ctx, "a2")
		require.NoError(t, err)
		assert.Equal(t, webhook.StatePending, d.State, "rolled back with the batch")
	})
	t.Run("fail waits for its retry and keeps the line", func(t *testing.T) {
		o := open(t)
		require.NoError(t, o.Enqueue(ctx, []webhook.Delivery{delivery("a1", "crm", "A"), delivery("a2", "crm", "A")}))
		_, err := o.Claim(ctx, t0, 10, time.Minute)
		require.NoError(t, err)
		require.NoError(t, o.Fail(ctx, "a1", 1, t0.Add(5*time.Minute), 500, "HTTP 500"))
		got, err := o.Claim(ctx, t0.Add(time.Minute), 10, time.Minute)
		require.NoError(t, err)
		assert.Empty(t, got, "a2 waits behind a1's retry")
		got, err = o.Claim(ctx, t0.Add(5*time.Minute), 10, time.Minute)
		require.NoError(t, err)
		require.Equal(t, []string{"a1"}, ids(got))
		assert.Equal(t, 1, got[0].Attempts)
		assert.Equal(t, "HTTP 500", got[0].LastError)
	})
	t.Run("dead letter and replay", func(t *testing.T) {
		o := open(t)
		require.NoError(t, o.Enqueue(ctx, []webhook.Delivery{delivery("a1", "crm", "A"), delivery("a2", "crm", "A")}))
		_, err := o.Claim(ctx, t0, 10, time.Minute)
		require.NoError(t, err)
		require.NoError(t, o.DeadLetter(ctx, "a1", 8, t0.Add(time.Hour), 0, "connection refused"))
		got, err := o.Claim(ctx, t0.Add(time.Hour), 10, time.Minute)
		require.NoError(t, err)
		assert.Equal(t, []string{"a2"}, ids(got), "a dead letter leaves the line")
		dead, err := o.List(ctx, webhook.StateDead, 0)
		require.NoError(t, err)
		require.Equal(t, []string{"a1"}, ids(dead))
		assert.Equal(t, 8, dead[0].Attempts)
		assert.Equal(t, "connection refused", dead[0].LastError)

		require.ErrorIs(t, o.Replay(ctx, "a2", t0), webhook.ErrNotDead)
		require.ErrorIs(t, o.Replay(ctx, "zz", t0), webhook.ErrNotFound)
		require.NoError(t, o.Replay(ctx, "a1", t0.Add(2*time.Hour)))
		d, err := o.Get(ctx, "a1")
		require.NoError(t, err)
		assert.Equal(t, webhook.StatePending, d.State)
		assert.Zero(t, d.Attempts)
		assert.Greater(t, d.Seq, got[0].Seq, "a replay goes to the back of the line")
		require.NoError(t, o.Ack(ctx, "a2", t0.Add(2*time.Hour), 200))
		got, err = o.Claim(ctx, t0.Add(2*time.Hour), 10, time.Minute)
		require.NoError(t, err)
		assert.Equal(t, []string{"a1"}, ids(got))
		assert.Equal(t, `{"lead_id":"A"}`, string(got[0].Body), "same body")
	})
	t.Run("list and get", func(t *testing.T) {
		o := open(t)
		require.NoError(t, o.Enqueue(ctx, []webhook.Delivery{delivery("a1", "crm", "A"), delivery("b1", "crm", "B"), delivery("c1", "crm", "C")}))
		all, err := o.List(ctx, "", 0)
		require.NoError(t, err)
		assert.Equal(t, []string{"c1", "b1", "a1"}, ids(all), "newest first")
		two, err := o.List(ctx, webhook.StatePending, 2)
		require.NoError(t, err)
		assert.Equal(t, []string{"c1", "b1"}, ids(two))
		none, err := o.List(ctx, webhook.StateDelivered, 0)
		require.NoError(t, err)
		assert.Empty(t, none)
		_, err = o.Get(ctx, "nope")
		require.ErrorIs(t, err, webhook.ErrNotFound)
		require.Error(t, o.Enqueue(ctx, []webhook.Delivery{delivery("a1", "crm", "A")}), "ids are unique")
	})
}

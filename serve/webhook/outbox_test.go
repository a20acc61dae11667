package webhook_test

import (
	"testing"

	"github.com/leadscore/leadscore/serve/webhook"
	"github.com/leadscore/leadscore/serve/webhook/outboxtest"
)

func TestMemoryOutbox(t *testing.T) {
	outboxtest.Run(t, func(*testing.T) webhook.Outbox { return &webhook.MemoryOutbox{} })
}

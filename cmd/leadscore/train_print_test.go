package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/training"
	"github.com/stretchr/testify/assert"
)

// TestPrintTrainedSuspects: one line per suspect; a suspect left out says
// how to keep it, a kept one says it was kept, and constant or id-like
// columns are not called leakage.
func TestPrintTrainedSuspects(t *testing.T) {
	contact := features.Suspect{Column: "Last Activity", Reason: features.AfterContactReason + " (the name ...)", AUC: 0.7}
	kept := features.Suspect{Column: "Lead Profile", Reason: features.AfterContactReason + " (the name ...)", AUC: 0.6}
	id := features.Suspect{Column: "Lead Number", Reason: "id-like: a distinct value for every lead", AUC: 0.5}
	res := &training.Result{
		Report: &training.Report{LeakageSuspects: []features.Suspect{id, contact, kept}},
		Bundle: &models.Bundle{Spec: &features.Spec{Allowed: []features.Suspect{kept}}},
	}
	var out bytes.Buffer
	printTrained(&out, res, "DIR")
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{
		`left out "Lead Number": id-like: a distinct value for every lead`,
		`leakage suspect left out: "Last Activity" (AUC 0.700): suspect: likely filled after contact (the name ...); to keep it, train with --allow-leaky 'Last Activity'`,
		`leakage suspect kept (--allow-leaky): "Lead Profile" (AUC 0.600): suspect: likely filled after contact (the name ...)`,
	}
	assert.Equal(t, want, lines[len(lines)-3:])
}

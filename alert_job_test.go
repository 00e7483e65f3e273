package hearth_test

import (
	"testing"
	"time"

	"github.com/hearthbot/hearth"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func syncFixture() (*hearth.Alert, []*hearth.AlertDelivery, *hearth.Group) {
	g := &hearth.Group{ID: 1, GuildID: "g", FacilitatorID: "fac", ObserverID: "obs"}
	a := &hearth.Alert{ID: 7, GuildID: "g", GroupID: 1, UserID: "m", Urgency: hearth.UrgencyNow, Status: hearth.AlertOpen, CreatedAt: t0, Revision: 1}
	ds := []*hearth.AlertDelivery{
		{ID: 1, AlertID: 7, RecipientID: "fac", Role: hearth.RoleFacilitator, Status: hearth.DeliverySent, MessageID: "m1"},
		{ID: 2, AlertID: 7, RecipientID: "obs", Role: hearth.RoleObserver, Status: hearth.DeliverySent, MessageID: "m2"},
	}
	return a, ds, g
}

func keys(jobs []*hearth.Job) map[string]*hearth.Job {
	out := map[string]*hearth.Job{}
	for _, j := range jobs {
		out[j.Key] = j
	}
	return out
}

func TestSyncAlertDeliveries(t *testing.T) {
	cfg := hearth.AlertsConfig{EscalateNow: 10 * time.Minute}
	t.Run("Unchanged", func(t *testing.T) {
		a, ds, g := syncFixture()
		changed, jobs := hearth.SyncAlertDeliveries(a, ds, g, "", cfg, t0)
		if len(changed) != 0 || len(jobs) != 0 {
			t.Errorf("changed %v, jobs %v", changed, jobs)
		}
	})
	t.Run("ObserverReplaced", func(t *testing.T) {
		a, ds, g := syncFixture()
		g.ObserverID = "obs2"
		changed, jobs := hearth.SyncAlertDeliveries(a, ds, g, "", cfg, t0)
		if ds[1].Status != hearth.DeliveryRevoked || len(changed) != 2 || changed[1].RecipientID != "obs2" || changed[1].ID != 0 {
			t.Fatalf("changed %+v", changed)
		}
		k := keys(jobs)
		if k["alert:7:dm:obs2:r1"] == nil || k["alert:7:edit:r1:obs"] == nil || len(jobs) != 2 {
			t.Errorf("jobs %v", k)
		}
	})
	t.Run("ReturningPsychologistGetsAFreshDM", func(t *testing.T) {
		a, ds, g := syncFixture()
		ds[1].Status = hearth.DeliveryRevoked
		a.Revision = 4
		_, jobs := hearth.SyncAlertDeliveries(a, ds, g, "", cfg, t0)
		if ds[1].Status != hearth.DeliveryPending || ds[1].MessageID != "" || keys(jobs)["alert:7:dm:obs:r4"] == nil {
			t.Errorf("delivery %+v, jobs %v", ds[1], keys(jobs))
		}
	})
	t.Run("AcknowledgedByReplaced", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			now  time.Time
			due  time.Time
		}{
			{"BeforeDeadline", t0.Add(3 * time.Minute), t0.Add(10 * time.Minute)},
			{"AfterDeadline", t0.Add(time.Hour), t0.Add(time.Hour)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a, ds, g := syncFixture()
				a.Status, a.AckBy, a.AckAt = hearth.AlertAcknowledged, "fac", t0
				g.FacilitatorID = "fac2"
				_, jobs := hearth.SyncAlertDeliveries(a, ds, g, "", cfg, tc.now)
				if a.Status != hearth.AlertOpen || a.AckBy != "" {
					t.Fatalf("alert %+v still acknowledged", a)
				}
				esc := keys(jobs)["alert:7:escalate:1:r1"]
				if esc == nil || !esc.DueAt.Equal(tc.due) || esc.Arg != "1" {
					t.Fatalf("escalation %+v, want due %s", esc, tc.due)
				}
				if keys(jobs)["alert:7:edit:r1:obs"] == nil {
					t.Errorf("the observer's DM is not edited back to open: %v", keys(jobs))
				}
			})
		}
	})
	t.Run("LeadOnlyOnceEscalated", func(t *testing.T) {
		a, ds, g := syncFixture()
		if changed, _ := hearth.SyncAlertDeliveries(a, ds, g, "lead", cfg, t0); len(changed) != 0 {
			t.Fatalf("the lead got an alert that did not escalate: %+v", changed)
		}
		a.Escalations, a.EscalatedAt = 1, t0
		changed, jobs := hearth.SyncAlertDeliveries(a, ds, g, "lead", cfg, t0)
		if len(changed) != 1 || changed[0].Role != hearth.RoleLead || keys(jobs)["alert:7:dm:lead:r1"] == nil {
			t.Errorf("changed %+v jobs %v", changed, keys(jobs))
		}
	})
	t.Run("ResolvedStays", func(t *testing.T) {
		a, ds, g := syncFixture()
		a.Status = hearth.AlertResolved
		g.ObserverID = "obs2"
		if changed, jobs := hearth.SyncAlertDeliveries(a, ds, g, "", cfg, t0); len(changed)+len(jobs) != 0 {
			t.Errorf("a resolved alert was handed over")
		}
	})
}

func TestMayActOnAlert(t *testing.T) {
	a, _, g := syncFixture()
	for _, tc := range []struct {
		user, lead string
		escalated  bool
		want       bool
	}{
		{"fac", "", false, true},
		{"obs", "", false, true},
		{"member", "", false, false},
		{"", "", false, false},
		{"lead", "lead", false, false},
		{"lead", "lead", true, true},
		{"lead", "other", true, false},
	} {
		a.EscalatedAt = time.Time{}
		if tc.escalated {
			a.EscalatedAt = t0
		}
		if got := hearth.MayActOnAlert(a, g, tc.lead, tc.user); got != tc.want {
			t.Errorf("MayActOnAlert(user %q, lead %q, escalated %v) = %v", tc.user, tc.lead, tc.escalated, got)
		}
	}
	other := *a
	other.GuildID = "elsewhere"
	if hearth.MayActOnAlert(&other, g, "", "fac") {
		t.Errorf("an alert of another server passed")
	}
}

func TestParseEscalationArg(t *testing.T) {
	for arg, want := range map[string]struct {
		n      int
		reason string
	}{"": {1, ""}, "1": {1, ""}, "3:unreachable": {3, "unreachable"}, "x": {1, ""}, "-2": {1, ""}} {
		if n, r := hearth.ParseEscalationArg(arg); n != want.n || r != want.reason {
			t.Errorf("ParseEscalationArg(%q) = %d, %q", arg, n, r)
		}
	}
}

package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
)

// healthDelivery returns the delivery part of /healthz.
func (h *harness) healthDelivery() (failed, failedAlerts int) {
	h.t.Helper()
	_, body := h.get("/healthz")
	var health struct {
		Delivery struct {
			Failed       int `json:"failed"`
			FailedAlerts int `json:"failed_alerts"`
		}
	}
	if err := json.Unmarshal([]byte(body), &health); err != nil {
		h.t.Fatalf("healthz: %v: %s", err, body)
	}
	return health.Delivery.Failed, health.Delivery.FailedAlerts
}

// noPrivate fails if a report names a member or says something private.
func noPrivate(t *testing.T, h *harness, ms ...string) {
	t.Helper()
	for _, m := range ms {
		for _, u := range h.members {
			if strings.Contains(m, u) {
				t.Errorf("a report names a member: %q", m)
			}
		}
		if mentionRE.MatchString(m) {
			t.Errorf("a report mentions someone: %q", m)
		}
	}
}

func TestFailure_Refused(t *testing.T) {
	cases := []struct {
		name        string
		status      int
		code        int
		staff       bool
		want        string
		psychologis bool
	}{
		{"ChannelGoneNoStaffChannel", http.StatusNotFound, 10003, false, "no longer exists", true},
		{"MissingAccess", http.StatusForbidden, 50001, true, "lacks access or permission", false},
		{"MissingPermission", http.StatusForbidden, 50013, true, "lacks access or permission", false},
		{"InvalidBody", http.StatusBadRequest, 50035, true, "refused a message of **Anxiety Circle** as invalid", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t, withHTTP())
			h.scheduleGroup()
			if tc.staff {
				h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID = h.staff })
			}
			h.fake.RefuseNext("POST", "/channels/"+h.channel+"/messages", tc.status, tc.code, "", 1000)
			h.advanceTo(dayReminder)
			var reports []string
			if tc.psychologis {
				for _, p := range []string{h.fac, h.obs} {
					dms := h.waitDMs(p, 1)
					mustContain(t, dms[0].Content, "**Anxiety Circle**", tc.want)
					reports = append(reports, dms[0].Content)
				}
			} else {
				notices := h.waitMessages(h.staff, 1)
				mustContain(t, notices[0].Content, tc.want)
				reports = append(reports, notices[0].Content)
			}
			noPrivate(t, h, reports...)
			h.wantMetric(`hearth_jobs_given_up_total{kind="meeting.reminder",outcome="refused"}`, 1)
			if failed, _ := h.healthDelivery(); failed != 1 {
				t.Errorf("/healthz shows %d failed jobs, want 1", failed)
			}
			// One report per meeting: the hour reminder and the start post
			// are refused too, and make none.
			reported := func() int {
				if tc.staff {
					return len(h.posts(h.staff))
				}
				n := 0 // the facilitator also gets the pre-meeting brief
				for _, m := range h.dms(h.fac) {
					if strings.Contains(m.Content, tc.want) {
						n++
					}
				}
				return n
			}
			h.advanceTo(hourReminder)
			h.advanceTo(firstMeeting)
			if n := reported(); n != 1 {
				t.Errorf("%d reports for one meeting, want 1", n)
			}
		})
	}
	t.Run("StaffChannelGoneTooTellsPsychologists", func(t *testing.T) {
		h := start(t, withHTTP())
		h.scheduleGroup()
		h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID = h.staff })
		h.fake.RefuseNext("POST", "/channels/"+h.channel+"/messages", http.StatusForbidden, 50013, "", 1000)
		h.fake.RefuseNext("POST", "/channels/"+h.staff+"/messages", http.StatusNotFound, 10003, "", 1000)
		h.advanceTo(dayReminder)
		for _, p := range []string{h.fac, h.obs} {
			mustContain(t, h.waitDMs(p, 1)[0].Content, "**Anxiety Circle**", "lacks access or permission")
		}
	})
}

func TestFailure_GaveUp(t *testing.T) {
	h := start(t, withHTTP(), withConfig(func(c *hearth.Config) { c.Scheduler.MaxAttempts = 3 }))
	h.scheduleGroup()
	h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID = h.staff })
	// Discord keeps failing for the group channel, for far longer than three tries.
	h.fake.FailNext("POST", "/channels/"+h.channel+"/messages", http.StatusInternalServerError, 1000)
	h.advanceTo(dayReminder)
	for range 3 {
		h.advance(10 * time.Minute) // past each backoff
		h.settle()
	}
	notices := h.waitMessages(h.staff, 1)
	mustContain(t, notices[0].Content, "**Anxiety Circle**", "gave up")
	noPrivate(t, h, notices[0].Content)
	if n := len(h.fake.CallsTo("POST", "/channels/"+h.channel+"/messages")); n != 3 {
		t.Errorf("%d tries, want scheduler.max_attempts = 3", n)
	}
	h.wantMetric(`hearth_jobs_given_up_total{kind="meeting.reminder",outcome="exhausted"}`, 1)
	if failed, _ := h.healthDelivery(); failed != 1 {
		t.Errorf("/healthz shows %d failed jobs, want 1", failed)
	}
	if !strings.Contains(h.logs.String(), `msg="job gave up"`) {
		t.Error("giving up was not logged")
	}
}

func TestFailure_ReminderStopsAtStartPlusCatchUp(t *testing.T) {
	// Plenty of tries, but the hour reminder is no use after the meeting's
	// start + catch_up: it stops there and is reported.
	h := start(t, withHTTP(), withConfig(func(c *hearth.Config) { c.Scheduler.MaxAttempts = 100 }))
	h.scheduleGroup()
	h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID = h.staff })
	h.advanceTo(dayReminder)
	h.fake.FailNext("POST", "/channels/"+h.channel+"/messages", http.StatusBadGateway, 100000)
	h.advanceTo(hourReminder)
	for h.now().Before(firstMeeting.Add(h.cfg.Scheduler.CatchUp + 10*time.Minute)) {
		h.advance(5 * time.Minute)
		h.settle()
	}
	notices := h.waitMessages(h.staff, 1)
	mustContain(t, notices[0].Content, "gave up")
	if v, _ := h.metric(`hearth_jobs_given_up_total{kind="meeting.reminder",outcome="exhausted"}`); v != 1 {
		t.Errorf("reminder give-ups: %v, want 1", v)
	}
}

func TestFailure_AlertGaveUp(t *testing.T) {
	h := start(t, withHTTP(), withConfig(func(c *hearth.Config) { c.Scheduler.MaxAttempts = 3 }))
	h.setupGroup()
	h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID = h.staff; s.LeadID = h.lead })
	// Both psychologists' alert DMs fail at every try (3 each).
	h.fake.FailNext("POST", "/channels/*/messages", http.StatusInternalServerError, 6)
	r := struggle(h, h.members[0], "today", false, "")
	if !r.Ephemeral {
		t.Fatal("the /struggling reply is not ephemeral")
	}
	for range 3 {
		h.advance(time.Minute)
		h.settle()
	}
	staff := h.waitMessages(h.staff, 1)
	mustContain(t, staff[0].Content, "An alert in **Anxiety Circle** could not be delivered")
	lead := h.waitDMs(h.lead, 1)
	mustContain(t, lead[0].Content, "could not be delivered")
	member := h.waitDMs(h.members[0], 1)
	noPrivate(t, h, staff[0].Content, lead[0].Content)
	if len(h.dms(h.fac)) != 0 || len(h.dms(h.obs)) != 0 {
		t.Error("an alert DM got through despite the faults")
	}
	if !strings.Contains(strings.ToLower(member[0].Content), "longer") {
		t.Errorf("the member was not told it may take longer: %q", member[0].Content)
	}
	h.wantMetric(`hearth_jobs_given_up_total{kind="alert.dm",outcome="exhausted"}`, 2)
	if _, failedAlerts := h.healthDelivery(); failedAlerts != 2 {
		t.Errorf("/healthz shows %d failed alert jobs, want 2", failedAlerts)
	}
	// Once per alert: both failed DMs made one staff notice and one lead DM.
	h.advance(time.Minute)
	h.settle()
	if n, m := len(h.posts(h.staff)), len(h.dms(h.lead)); n != 1 || m != 1 {
		t.Errorf("%d staff notices and %d lead DMs, want one each", n, m)
	}
}

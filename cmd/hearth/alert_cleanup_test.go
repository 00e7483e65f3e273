package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// alertDMs returns the alert DMs a user still has in Discord.
func (h *harness) alertDMs(user string) []string {
	var out []string
	for _, m := range h.dms(user) {
		if strings.HasPrefix(m.Content, "Private alert #") {
			out = append(out, m.Content)
		}
	}
	return out
}

// TestRetention_DeletesAlertDMs: when the daily purge erases a closed
// alert, the psychologists' DMs about it are deleted from Discord too, by
// durable jobs that retry a failed delete; a younger alert's DMs stay.
func TestRetention_DeletesAlertDMs(t *testing.T) {
	h := start(t)
	h.setupGroup()
	h.setSettings(func(s *hearth.GuildSettings) { s.RetentionDays = 30 })
	struggle(h, h.members[0], "later", false, canary)
	facDM := h.waitDMs(h.fac, 1)[0]
	h.waitDMs(h.obs, 1)
	r := h.press(h.fac, facDM, buttonIDs(facDM.Components)[2]) // Resolve
	if !strings.Contains(replyText(r), "Resolved by") {
		t.Fatalf("resolve = %q", replyText(r))
	}
	h.advance(20 * 24 * time.Hour)
	struggle(h, h.members[1], "later", false, "")
	h.waitDMs(h.fac, 2)
	h.waitDMs(h.obs, 2)
	h.settle()

	// Discord fails the first delete: it is retried, not dropped.
	h.fake.FailNext("DELETE", "/channels/*/messages/*", 500, 1)
	h.advance(11 * 24 * time.Hour) // the first alert closed 31 days ago
	h.settle()
	h.advance(time.Minute) // past the retry's backoff
	h.settle()
	for _, p := range []string{h.fac, h.obs} {
		if left := h.alertDMs(p); len(left) != 1 || !strings.Contains(left[0], "#2 from") {
			t.Errorf("alert DMs of %s after the purge: %q, want only #2's", p, left)
		}
	}
	if n := len(h.fake.CallsTo("DELETE", "/channels/*/messages/*")); n != 3 {
		t.Errorf("%d DELETE requests, want 3 (two DMs, one retried)", n)
	}
	noCanary(t, h)
}

// TestGroup_DeleteDeletesAlertDMs: /group delete erases the group's alerts,
// and the psychologists' DMs about them are deleted from Discord too.
func TestGroup_DeleteDeletesAlertDMs(t *testing.T) {
	h := start(t)
	h.createGroup("Anxiety Circle")
	h.createGroup("Phobia Circle")
	g, err := h.app.DB.GroupByName(h.ctx(), h.guild, "Anxiety Circle")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.app.DB.Join(h.ctx(), &hearth.Membership{GroupID: g.ID, UserID: h.members[0], AgreedAt: h.now()}); err != nil {
		t.Fatal(err)
	}
	struggle(h, h.members[0], "today", true, canary)
	facDM := h.waitDMs(g.FacilitatorID, 1)[0]
	h.waitDMs(g.ObserverID, 1)
	h.settle()

	r := h.slash(h.admin, "group delete", discordtest.Str("group", "Anxiety Circle"))
	msg := confirmMessage(t, r)
	if r := h.press(h.admin, msg, buttonIDs(msg.Components)[0]); !strings.Contains(r.Content, "Deleted **Anxiety Circle**") {
		t.Fatalf("delete = %q", r.Content)
	}
	h.settle()
	for _, p := range []string{g.FacilitatorID, g.ObserverID} {
		if left := h.alertDMs(p); len(left) != 0 {
			t.Errorf("alert DMs of %s left after /group delete: %q", p, left)
		}
	}
	j, err := h.app.DB.Job(h.ctx(), fmt.Sprintf("alertdm:1:delete:%s", facDM.ID))
	if err != nil || j.Status != hearth.JobDone || j.Priority != hearth.PriorityCleanup {
		t.Errorf("deletion job = %+v, %v; want done at the lowest priority", j, err)
	}
}

// TestPrivacy_DeleteKeepsRecipientWork: a psychologist who is also a
// member of another group erases their data while an alert DM to them is
// pending (Discord failing): the DM about someone else's alert is still
// delivered, and their membership is gone.
func TestPrivacy_DeleteKeepsRecipientWork(t *testing.T) {
	h := start(t)
	h.setupGroup()
	other := &hearth.Group{GuildID: h.guild, Name: "Phobia Circle", ChannelID: h.channel, FacilitatorID: h.user("dr-other-1"),
		ObserverID: h.user("dr-other-2"), Timezone: "UTC", LengthMinutes: 60, Sharers: 1}
	if err := h.app.DB.CreateGroup(h.ctx(), other, hearth.AuditEntry{GuildID: h.guild, ActorID: h.admin, Action: "group.create"}); err != nil {
		t.Fatal(err)
	}
	if err := h.app.DB.Join(h.ctx(), &hearth.Membership{GroupID: other.ID, UserID: h.obs, AgreedAt: h.now()}); err != nil {
		t.Fatal(err)
	}
	// Discord is down for the alert DMs: they stay pending, to be retried.
	h.fake.FailNext("POST", "/channels/*/messages", 503, 2)
	struggle(h, h.members[0], "today", false, canary)
	h.settle()
	if n := len(h.dms(h.obs)); n != 0 {
		t.Fatalf("%d DMs despite the failures", n)
	}

	ask := h.slash(h.obs, "privacy delete")
	got := h.press(h.obs, ask.Message, "privacy:delete:"+h.obs)
	if !strings.Contains(replyText(got), "1 memberships") {
		t.Fatalf("delete = %q", replyText(got))
	}
	h.advance(time.Minute)
	if dm := h.waitDMs(h.obs, 1)[0]; !strings.HasPrefix(dm.Content, "Private alert #1") {
		t.Errorf("observer's DM = %q", dm.Content)
	}
	h.waitDMs(h.fac, 1)
	if d, err := h.app.DB.UserData(h.ctx(), h.guild, h.obs); err != nil || len(d.Memberships) != 0 {
		t.Errorf("the observer's membership was not erased: %+v %v", d, err)
	}
	noCanary(t, h)
}

package main

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
)

// mentionRE finds user mentions in a message.
var mentionRE = regexp.MustCompile(`<@(\d+)>`)

// allowedMentions returns the allowed_mentions of the n-th message created
// in a channel, as the bot sent it.
func (h *harness) allowedMentions(channel string, n int) (parse, users []string) {
	h.t.Helper()
	calls := h.fake.CallsTo("POST", "/channels/"+channel+"/messages")
	if len(calls) <= n {
		h.t.Fatalf("%d message calls to %s", len(calls), channel)
	}
	var body struct {
		AllowedMentions *struct {
			Parse []string `json:"parse"`
			Users []string `json:"users"`
		} `json:"allowed_mentions"`
	}
	if err := json.Unmarshal(calls[n].Body, &body); err != nil {
		h.t.Fatal(err)
	}
	if body.AllowedMentions == nil {
		h.t.Fatalf("message %d has no allowed_mentions: Discord would ping everyone written in it", n)
	}
	return body.AllowedMentions.Parse, body.AllowedMentions.Users
}

// setMember changes a membership directly.
func (h *harness) setMember(g *hearth.Group, user string, fn func(*hearth.Membership)) {
	h.t.Helper()
	_, err := h.app.DB.UpdateMembership(h.ctx(), g.ID, user, func(m *hearth.Membership) error { fn(m); return nil })
	if err != nil {
		h.t.Fatal(err)
	}
}

// rotaLines returns the Sharers and Check-in order lines of a post.
func rotaLines(t *testing.T, content string) (sharers, order string) {
	t.Helper()
	for _, l := range strings.Split(content, "\n") {
		switch {
		case strings.HasPrefix(l, "**Sharers:**"):
			sharers = l
		case strings.HasPrefix(l, "**Check-in order:**"):
			order = l
		}
	}
	if sharers == "" || order == "" {
		t.Fatalf("no rota lines in %q", content)
	}
	return sharers, order
}

func TestReminder_PostedOnce(t *testing.T) {
	h := start(t)
	g := h.scheduleGroup()
	dm, away := h.members[0], h.members[4]
	h.setMember(g, dm, func(m *hearth.Membership) { m.DMReminders = true })
	h.setMember(g, away, func(m *hearth.Membership) { m.DMReminders = true; m.AwayUntil = firstMeeting.Add(time.Minute) })

	h.advanceTo(dayReminder)
	post := h.waitMessages(h.channel, 1)[0]
	t.Run("Content", func(t *testing.T) {
		mustContain(t, post.Content, "**Anxiety Circle**", hearth.Timestamp(firstMeeting, "F"), hearth.Timestamp(firstMeeting, "R"),
			"`/checkin`", "`/rota pass`", "`/rota away`")
		sharers, order := rotaLines(t, post.Content)
		for _, m := range h.members[:4] {
			mustContain(t, order, "<@"+m+">")
		}
		if strings.Contains(post.Content, "<@"+away+">") {
			t.Errorf("the away member is named: %q", post.Content)
		}
		if n := len(mentionRE.FindAllString(sharers, -1)); n != 2 {
			t.Errorf("%d sharers, want 2: %q", n, sharers)
		}
	})
	t.Run("MentionsOnlyThePeopleNamed", func(t *testing.T) {
		parse, users := h.allowedMentions(h.channel, 0)
		if len(parse) != 0 {
			t.Errorf("allowed_mentions.parse = %v: it would ping @everyone or roles", parse)
		}
		var named []string
		for _, m := range mentionRE.FindAllStringSubmatch(post.Content, -1) {
			if !slices.Contains(named, m[1]) {
				named = append(named, m[1])
			}
		}
		slices.Sort(named)
		slices.Sort(users)
		if !slices.Equal(named, users) || slices.Contains(users, away) {
			t.Errorf("allowed users %v, named %v", users, named)
		}
	})
	t.Run("DMs", func(t *testing.T) {
		dms := h.waitDMs(dm, 1)
		mustContain(t, dms[0].Content, "**Anxiety Circle**", hearth.Timestamp(firstMeeting, "F"), "**Check-in order:**")
		if got := h.dms(away); len(got) != 0 {
			t.Errorf("the away member got %d reminder DMs", len(got))
		}
	})
	t.Run("OnceAcrossRestart", func(t *testing.T) {
		h.restart()
		h.advance(time.Minute)
		h.settle()
		if n := len(h.posts(h.channel)); n != 1 {
			t.Errorf("%d reminder posts, want 1", n)
		}
		if n := len(h.dms(dm)); n != 1 {
			t.Errorf("%d reminder DMs, want 1", n)
		}
	})
	t.Run("RotaFixedByFirstReminder", func(t *testing.T) {
		// A member who joins after the first reminder is not in this rota.
		late := h.user("latecomer")
		if err := h.app.DB.Join(h.ctx(), &hearth.Membership{GroupID: g.ID, UserID: late, AgreedAt: h.clock.Now()}); err != nil {
			t.Fatal(err)
		}
		h.advanceTo(hourReminder)
		posts := h.waitMessages(h.channel, 2)
		s1, o1 := rotaLines(t, posts[0].Content)
		s2, o2 := rotaLines(t, posts[1].Content)
		if s1 != s2 || o1 != o2 || strings.Contains(posts[1].Content, late) {
			t.Errorf("the rota changed between reminders:\n%s\n%s", posts[0].Content, posts[1].Content)
		}
	})
	t.Run("StartAndEndRotate", func(t *testing.T) {
		h.advanceTo(firstMeeting)
		posts := h.waitMessages(h.channel, 3)
		mustContain(t, posts[2].Content, "starting now", "**Check-in order:**", "**Sharers:**")
		_, order1 := rotaLines(t, posts[2].Content)
		sharers1, _ := rotaLines(t, posts[0].Content)

		h.advanceTo(firstMeeting.Add(90 * time.Minute)) // the end: shares counted
		h.advanceTo(dayReminder.Add(7 * 24 * time.Hour))
		posts = h.waitMessages(h.channel, 4)
		sharers2, order2 := rotaLines(t, posts[3].Content)
		if first := func(o string) string { return mentionRE.FindString(o) }; first(order1) == first(order2) {
			t.Errorf("the first speaker did not change:\n%s\n%s", order1, order2)
		}
		for _, m := range mentionRE.FindAllString(sharers1, -1) {
			if strings.Contains(sharers2, m) {
				t.Errorf("%s shared last time and shares again before the others:\n%s\n%s", m, sharers1, sharers2)
			}
		}
	})
}

func TestReminder_RestartAcrossDueTime(t *testing.T) {
	for _, tc := range []struct {
		name   string
		late   time.Duration
		posted bool
	}{
		{"WithinCatchUp", 10 * time.Minute, true},
		{"BeyondCatchUp", 20 * time.Minute, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t)
			h.scheduleGroup()
			h.stop() // the host goes down before the reminder is due
			h.clock.Advance(dayReminder.Add(tc.late).Sub(h.clock.Now()))
			h.startApp()
			h.settle()
			posts := h.posts(h.channel)
			if tc.posted && len(posts) != 1 {
				t.Fatalf("%d posts %s late, want the reminder once", len(posts), tc.late)
			}
			if !tc.posted {
				if len(posts) != 0 {
					t.Fatalf("a reminder %s late was posted: %q", tc.late, posts[0].Content)
				}
				if !strings.Contains(h.logs.String(), `msg="reminder missed"`) {
					t.Error("the missed reminder was not logged")
				}
				// The next reminder fixes the rota and goes out on time.
				h.advanceTo(hourReminder)
				if posts := h.waitMessages(h.channel, 1); !strings.Contains(posts[0].Content, "**Check-in order:**") {
					t.Errorf("hour reminder = %q", posts[0].Content)
				}
			}
		})
	}
}

func TestReminder_CrashMidSend(t *testing.T) {
	h := start(t)
	h.scheduleGroup()
	// Discord creates the message, but the answer never arrives.
	h.fake.LoseResponseNext("POST", "/channels/"+h.channel+"/messages", 1)
	h.advanceTo(dayReminder)
	h.waitMessages(h.channel, 1)
	// The process dies before the retry; a new one takes over.
	h.restart()
	h.advance(5 * time.Second) // past the retry backoff
	h.settle()
	if n := len(h.posts(h.channel)); n != 1 {
		t.Fatalf("%d reminder posts after a lost response and a restart, want 1", n)
	}
	if n := len(h.fake.CallsTo("POST", "/channels/"+h.channel+"/messages")); n != 2 {
		t.Errorf("%d sends, want 2: the lost one and its retry", n)
	}
	if !strings.Contains(h.logs.String(), "job will be retried") {
		t.Error("the lost send was not retried")
	}
}

func TestReminder_ChannelGone(t *testing.T) {
	h := start(t)
	h.scheduleGroup()
	h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID = h.staff })
	h.fake.DeleteChannel(h.channel)
	h.advanceTo(dayReminder)
	notices := h.waitMessages(h.staff, 1)
	mustContain(t, notices[0].Content, "**Anxiety Circle**", "no longer exists", "/group edit")
	if !strings.Contains(h.logs.String(), `msg="unable to post in a group's channel" group=1 meeting=`) {
		t.Error("the failure was not logged with ids")
	}
	h.advanceTo(hourReminder)
	if n := len(h.posts(h.staff)); n != 1 {
		t.Errorf("%d staff notices for one meeting, want 1", n)
	}
	for _, m := range h.posts(h.staff) {
		if mentionRE.MatchString(m.Content) {
			t.Errorf("the staff notice names someone: %q", m.Content)
		}
	}
}

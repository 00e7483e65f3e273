package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// askJoin runs /join and returns the guidelines message with its buttons.
func (h *harness) askJoin(user, group string) *discordgo.Message {
	h.t.Helper()
	r := h.slash(user, "join", discordtest.Str("group", group))
	mustEphemeral(h.t, r, "Before you join "+group)
	return confirmMessage(h.t, r)
}

// joinGroup runs /join and presses I agree.
func (h *harness) joinGroup(user, group string) *discordtest.Reply {
	h.t.Helper()
	msg := h.askJoin(user, group)
	return h.press(user, msg, buttonIDs(msg.Components)[0])
}

// group returns a stored group by name.
func (h *harness) group(name string) *hearth.Group {
	h.t.Helper()
	g, err := h.app.DB.GroupByName(h.ctx(), h.guild, name)
	if err != nil {
		h.t.Fatalf("group %q: %v", name, err)
	}
	return g
}

func (h *harness) isMember(g *hearth.Group, user string) bool {
	h.t.Helper()
	_, err := h.app.DB.Membership(h.ctx(), g.ID, user)
	if err != nil && hearth.ErrorCode(err) != hearth.ENOTFOUND {
		h.t.Fatal(err)
	}
	return err == nil
}

func TestJoin(t *testing.T) {
	h := start(t)
	role := h.fake.AddRole(h.guild, "", "anxiety")
	h.createGroup("Anxiety Circle", discordtest.Role("role", role))
	g := h.group("Anxiety Circle")
	// Two members who have shared three times already.
	for _, m := range h.members[:2] {
		if err := h.app.DB.Join(h.ctx(), &hearth.Membership{GroupID: g.ID, UserID: m, Shares: 3}); err != nil {
			t.Fatal(err)
		}
	}
	start := h.clock.Now().Add(30 * time.Hour)
	if err := h.app.DB.CreateMeeting(h.ctx(), &hearth.Meeting{GroupID: g.ID, StartsAt: start, EndsAt: start.Add(90 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	newcomer := h.members[2]

	msg := h.askJoin(newcomer, "Anxiety Circle")
	t.Run("Guidelines", func(t *testing.T) {
		got := text(msg)
		for _, want := range []string{"stays in the group", "Respect", "does not replace individual treatment",
			"<@" + h.fac + "> (facilitator)", "<@" + h.obs + "> (observer)", "Only they see"} {
			if !strings.Contains(got, want) {
				t.Errorf("guidelines do not say %q:\n%s", want, got)
			}
		}
		if got := buttonLabels(msg.Components); !slices.Equal(got, []string{"I agree", "Cancel"}) {
			t.Errorf("buttons = %v, want I agree, Cancel", got)
		}
		if h.isMember(g, newcomer) {
			t.Errorf("joined before agreeing")
		}
	})
	agree := buttonIDs(msg.Components)[0]
	t.Run("ErrSomeoneElse", func(t *testing.T) {
		r := h.press(h.members[3], msg, agree)
		mustEphemeral(t, r, "belongs to someone else")
		if h.isMember(g, h.members[3]) || h.isMember(g, newcomer) {
			t.Errorf("someone else's press joined a user")
		}
	})
	t.Run("OK", func(t *testing.T) {
		r := h.press(newcomer, msg, agree)
		if r.Type != discordgo.InteractionResponseUpdateMessage || len(r.Components) != 0 {
			t.Errorf("agree did not replace the guidelines: type %d %v", r.Type, buttonIDs(r.Components))
		}
		for _, want := range []string{"Welcome to **Anxiety Circle**", hearth.Timestamp(start, "F"), "<#" + h.channel + ">", "/reminders dm:true"} {
			if !strings.Contains(r.Content, want) {
				t.Errorf("welcome does not say %q: %q", want, r.Content)
			}
		}
		if !slices.Contains(h.fake.MemberRoles(h.guild, newcomer), role) {
			t.Errorf("newcomer did not get the group's role")
		}
		m, err := h.app.DB.Membership(h.ctx(), g.ID, newcomer)
		if err != nil {
			t.Fatal(err)
		}
		now := h.clock.Now()
		if m.Shares != 3 || !m.LastShared.Equal(now) || !m.AgreedAt.Equal(now) || !m.JoinedAt.Equal(now) {
			t.Errorf("membership = shares %d, last shared %v, agreed %v, joined %v; want the back of the queue (3, %v)", m.Shares, m.LastShared, m.AgreedAt, m.JoinedAt, now)
		}
	})
	t.Run("ErrPressedTwice", func(t *testing.T) {
		mustEphemeral(t, h.press(newcomer, msg, agree), "already a member of **Anxiety Circle**")
	})
	t.Run("ErrJoinedTwice", func(t *testing.T) {
		mustEphemeral(t, h.slash(newcomer, "join", discordtest.Str("group", "Anxiety Circle")), "already a member")
	})
	t.Run("ErrPsychologist", func(t *testing.T) {
		mustEphemeral(t, h.slash(h.fac, "join", discordtest.Str("group", "Anxiety Circle")), "You are a psychologist of **Anxiety Circle**")
	})
	t.Run("ErrUnknownGroup", func(t *testing.T) {
		mustEphemeral(t, h.slash(h.members[4], "join", discordtest.Str("group", "Nope")), "no group called")
	})
	t.Run("ErrOtherServersGroup", func(t *testing.T) {
		foreign := h.foreignGroup("Foreign Circle")
		mustEphemeral(t, h.slash(h.members[4], "join", discordtest.Str("group", "Foreign Circle")), "no group called")
		forged := strings.Replace(agree, ":"+itoa(g.ID)+":"+newcomer, ":"+itoa(foreign.ID)+":"+h.members[4], 1)
		mustEphemeral(t, h.press(h.members[4], msg, forged), "does not exist any more")
		if h.isMember(foreign, h.members[4]) {
			t.Errorf("joined another server's group")
		}
	})
}

func TestJoin_CancelAndNoMeeting(t *testing.T) {
	h := start(t)
	h.createGroup("Anxiety Circle")
	g := h.group("Anxiety Circle")
	t.Run("Cancel", func(t *testing.T) {
		msg := h.askJoin(h.members[0], "Anxiety Circle")
		r := h.press(h.members[0], msg, buttonIDs(msg.Components)[1])
		if r.Type != discordgo.InteractionResponseUpdateMessage || !strings.Contains(r.Content, "did not join") {
			t.Errorf("cancel = type %d %q", r.Type, r.Content)
		}
		if h.isMember(g, h.members[0]) {
			t.Errorf("cancel joined")
		}
	})
	t.Run("NoMeetingPlanned", func(t *testing.T) {
		r := h.joinGroup(h.members[1], "Anxiety Circle")
		if !strings.Contains(r.Content, "No meeting is planned yet") {
			t.Errorf("welcome = %q", r.Content)
		}
	})
	t.Run("ErrGroupDeletedMeanwhile", func(t *testing.T) {
		msg := h.askJoin(h.members[2], "Anxiety Circle")
		if err := h.app.DB.DeleteGroup(h.ctx(), g.ID, hearth.AuditEntry{GuildID: h.guild, ActorID: h.admin, Action: "group.delete"}); err != nil {
			t.Fatal(err)
		}
		mustEphemeral(t, h.press(h.members[2], msg, buttonIDs(msg.Components)[0]), "does not exist any more")
	})
}

// When the role cannot be given, the member still joins; the admins are
// told how to fix it in the staff channel, or the member is asked to tell them.
func TestJoin_RoleTrouble(t *testing.T) {
	h := start(t)
	role := h.fake.AddRole(h.guild, "", "anxiety")
	h.createGroup("Anxiety Circle", discordtest.Role("role", role))
	g := h.group("Anxiety Circle")

	t.Run("DeletedRole", func(t *testing.T) {
		h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID = h.staff })
		h.fake.DeleteRole(h.guild, role)
		r := h.joinGroup(h.members[0], "Anxiety Circle")
		if !strings.Contains(r.Content, "Welcome") || !strings.Contains(r.Content, "no longer exists") || !strings.Contains(r.Content, "An admin has been told") {
			t.Errorf("reply = %q", r.Content)
		}
		if !h.isMember(g, h.members[0]) {
			t.Errorf("not a member after a role failure")
		}
		notice := h.waitMessages(h.staff, 1)[0]
		if !strings.Contains(notice.Content, "/group edit group:Anxiety Circle role:") {
			t.Errorf("staff notice does not say how to fix it: %q", notice.Content)
		}
	})
	role = h.fake.AddRole(h.guild, "", "anxiety-2")
	mustEphemeral(t, h.slash(h.admin, "group edit", discordtest.Str("group", "Anxiety Circle"), discordtest.Role("role", role)), "Saved")
	h.fake.SetBotPermissions(discordgo.PermissionAll &^ (discordgo.PermissionManageRoles | discordgo.PermissionAdministrator))

	t.Run("MissingPermissionNoStaffChannel", func(t *testing.T) {
		h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID = "" })
		r := h.joinGroup(h.members[1], "Anxiety Circle")
		if !strings.Contains(r.Content, "Welcome") || !strings.Contains(r.Content, "Manage Roles") || !strings.Contains(r.Content, "Please tell a server admin") {
			t.Errorf("reply = %q", r.Content)
		}
		if !h.isMember(g, h.members[1]) {
			t.Errorf("not a member after a role failure")
		}
	})
	t.Run("MissingPermissionStaffChannelDeleted", func(t *testing.T) {
		h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID = h.staff })
		h.fake.DeleteChannel(h.staff)
		r := h.joinGroup(h.members[2], "Anxiety Circle")
		if !strings.Contains(r.Content, "Manage Roles") || !strings.Contains(r.Content, "Please tell a server admin") {
			t.Errorf("reply = %q", r.Content)
		}
		if !h.isMember(g, h.members[2]) {
			t.Errorf("not a member after a role failure")
		}
	})
}

func TestJoin_RedeliveredPress(t *testing.T) {
	h := start(t)
	h.createGroup("Anxiety Circle")
	msg := h.askJoin(h.members[0], "Anxiety Circle")
	ix := h.fake.Button(h.as(h.members[0]), msg, buttonIDs(msg.Components)[0])
	if _, err := ix.WaitFinal(h.ctx()); err != nil {
		t.Fatal(err)
	}
	h.fake.Redeliver(ix)
	if err := h.logs.waitFor(h.ctx(), `duplicate interaction ignored" interaction=`+ix.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(h.fake.CallsTo("POST", "/interactions/"+ix.ID+"/*/callback")); n != 1 {
		t.Errorf("%d replies to one press, want 1", n)
	}
	ms, err := h.app.DB.Members(h.ctx(), h.group("Anxiety Circle").ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 {
		t.Errorf("%d memberships, want 1", len(ms))
	}
}

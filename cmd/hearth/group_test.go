package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/commands"
	"github.com/hearthbot/hearth/discordtest"
)

// createGroup runs /group create as the admin with the harness's channel and
// psychologists, plus extra options.
func (h *harness) createGroup(name string, extra ...*discordgo.ApplicationCommandInteractionDataOption) *discordtest.Reply {
	h.t.Helper()
	opts := append([]*discordgo.ApplicationCommandInteractionDataOption{
		discordtest.Str("name", name), discordtest.Channel("channel", h.channel),
		discordtest.User("facilitator", h.fac), discordtest.User("observer", h.obs),
	}, extra...)
	return h.slash(h.admin, "group create", opts...)
}

// groupList returns what /group list shows the admin.
func (h *harness) groupList() string {
	h.t.Helper()
	r := h.slash(h.admin, "group list")
	if !r.Ephemeral {
		h.t.Errorf("/group list is not ephemeral")
	}
	return replyText(r)
}

// auditLog returns what /settings audit shows the admin (page 1).
func (h *harness) auditLog() string {
	h.t.Helper()
	return replyText(h.slash(h.admin, "settings audit"))
}

// confirmMessage is the stored ephemeral message a reply with buttons made.
func confirmMessage(t testing.TB, r *discordtest.Reply) *discordgo.Message {
	t.Helper()
	if r.Message == nil || len(buttonIDs(r.Components)) != 2 {
		t.Fatalf("reply has no confirm buttons: %q %v", r.Content, buttonIDs(r.Components))
	}
	return r.Message
}

// foreignGroup stores a group in a second server of the fake Discord.
func (h *harness) foreignGroup(name string) *hearth.Group {
	h.t.Helper()
	other := h.fake.AddGuild("", "Other Server")
	g := &hearth.Group{GuildID: other, Name: name, ChannelID: h.fake.AddChannel(other, "", "other-channel"), FacilitatorID: h.fac, ObserverID: h.obs,
		Timezone: "UTC", LengthMinutes: 90, Sharers: 2, ReminderOffsets: hearth.DefaultReminderOffsets}
	if err := h.app.DB.CreateGroup(h.ctx(), g, hearth.AuditEntry{GuildID: other, ActorID: h.admin, Action: "group.create"}); err != nil {
		h.t.Fatalf("create a group in another server: %v", err)
	}
	return g
}

func TestGroup_Create(t *testing.T) {
	h := start(t)
	role := h.fake.AddRole(h.guild, "", "anxiety")

	t.Run("OK", func(t *testing.T) {
		r := h.createGroup("Anxiety Circle", discordtest.Str("timezone", "Europe/Madrid"), discordtest.Role("role", role))
		mustEphemeral(t, r, "Created **Anxiety Circle**", "<@"+h.fac+">", "<@"+h.obs+">", "Europe/Madrid", "<@&"+role+">", "<#"+h.channel+">")
		list := h.groupList()
		for _, want := range []string{"Anxiety Circle", "no meeting planned", "Europe/Madrid", "90 min", "2 sharers"} {
			if !strings.Contains(list, want) {
				t.Errorf("/group list does not show %q:\n%s", want, list)
			}
		}
	})
	t.Run("DefaultZoneIsUTC", func(t *testing.T) {
		r := h.createGroup("Phobia Circle")
		mustEphemeral(t, r, "time zone UTC")
	})
	t.Run("DefaultZoneIsTheServers", func(t *testing.T) {
		h.setSettings(func(s *hearth.GuildSettings) { s.Timezone = "America/New_York" })
		r := h.createGroup("Recovery Circle")
		mustEphemeral(t, r, "time zone America/New_York")
	})
	t.Run("Audited", func(t *testing.T) {
		if n := strings.Count(h.auditLog(), "`group.create`"); n != 3 {
			t.Errorf("audit log has %d group.create entries, want 3", n)
		}
	})
	t.Run("NextMeeting", func(t *testing.T) {
		g, err := h.app.DB.GroupByName(h.ctx(), h.guild, "Anxiety Circle")
		if err != nil {
			t.Fatal(err)
		}
		start := h.clock.Now().Add(26 * time.Hour)
		if err := h.app.DB.CreateMeeting(h.ctx(), &hearth.Meeting{GroupID: g.ID, StartsAt: start, EndsAt: start.Add(90 * time.Minute)}); err != nil {
			t.Fatal(err)
		}
		list := h.groupList()
		if want := hearth.Timestamp(start, "F"); !strings.Contains(list, want) {
			t.Errorf("/group list does not show the next meeting %s:\n%s", want, list)
		}
	})
}

func TestGroup_CreateBadInput(t *testing.T) {
	h := start(t)
	bot := h.fake.AddUser("", "helper-bot", true)
	h.fake.AddMember(h.guild, bot)
	voice := h.fake.AddChannelOfType(h.guild, "", "voice", discordgo.ChannelTypeGuildVoice)
	h.createGroup("Anxiety Circle")

	tests := []struct {
		name string
		opts []*discordgo.ApplicationCommandInteractionDataOption
		want string
	}{
		{"ErrNameTooLong", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Str("name", strings.Repeat("n", 51)), discordtest.Channel("channel", h.channel),
			discordtest.User("facilitator", h.fac), discordtest.User("observer", h.obs)}, "1 to 50 characters"},
		{"ErrSamePsychologist", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Str("name", "Other"), discordtest.Channel("channel", h.channel),
			discordtest.User("facilitator", h.fac), discordtest.User("observer", h.fac)}, "two different people"},
		{"ErrBotPsychologist", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Str("name", "Other"), discordtest.Channel("channel", h.channel),
			discordtest.User("facilitator", h.fac), discordtest.User("observer", bot)}, "is a bot"},
		{"ErrNotTextChannel", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Str("name", "Other"), discordtest.Channel("channel", voice),
			discordtest.User("facilitator", h.fac), discordtest.User("observer", h.obs)}, "not a text channel"},
		{"ErrUnknownZone", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Str("name", "Other"), discordtest.Channel("channel", h.channel),
			discordtest.User("facilitator", h.fac), discordtest.User("observer", h.obs), discordtest.Str("timezone", "Mars/Olympus")}, "Unknown time zone"},
		{"ErrEveryoneRole", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Str("name", "Other"), discordtest.Channel("channel", h.channel),
			discordtest.User("facilitator", h.fac), discordtest.User("observer", h.obs), discordtest.Role("role", h.guild)}, "@everyone"},
		{"ErrNameTaken", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Str("name", "anxiety circle"), discordtest.Channel("channel", h.channel),
			discordtest.User("facilitator", h.fac), discordtest.User("observer", h.obs)}, "already exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustEphemeral(t, h.slash(h.admin, "group create", tt.opts...), tt.want)
		})
	}
	if list := h.groupList(); !strings.Contains(list, "(1)") || strings.Contains(list, "Other") {
		t.Errorf("refused creates changed the groups:\n%s", list)
	}
}

// A server can grant an admin command to anyone; hearth still checks Manage
// Server from the interaction's permissions.
func TestGroup_NonAdminRefused(t *testing.T) {
	h := start(t)
	h.createGroup("Anxiety Circle")
	member := h.members[0]

	for _, c := range h.fake.Commands(h.guild) {
		if c.Name == "group" || c.Name == "settings" {
			if c.DefaultMemberPermissions == nil || *c.DefaultMemberPermissions != commands.PermManageGuild {
				t.Errorf("/%s is not registered with default_member_permissions = Manage Server", c.Name)
			}
		}
	}
	tests := []struct {
		name string
		opts []*discordgo.ApplicationCommandInteractionDataOption
	}{
		{"group create", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Str("name", "Mine"), discordtest.Channel("channel", h.channel),
			discordtest.User("facilitator", h.fac), discordtest.User("observer", h.obs)}},
		{"group edit", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Str("group", "Anxiety Circle"), discordtest.Str("name", "Hijacked")}},
		{"group delete", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Str("group", "Anxiety Circle")}},
		{"group list", nil},
		{"settings crisis", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Str("text", "nothing")}},
		{"settings lead", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.User("user", member)}},
		{"settings audit", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The member was granted the command, but has no Manage Server.
			mustEphemeral(t, h.slash(member, tt.name, tt.opts...), "You need the **Manage Server** permission")
		})
	}
	if list := h.groupList(); !strings.Contains(list, "Anxiety Circle") || strings.Contains(list, "Hijacked") || strings.Contains(list, "Mine") {
		t.Errorf("a non-admin changed the groups:\n%s", list)
	}
	if show := replyText(h.slash(h.admin, "settings show")); strings.Contains(show, "nothing") || strings.Contains(show, member) {
		t.Errorf("a non-admin changed the settings:\n%s", show)
	}
}

func TestGroup_Edit(t *testing.T) {
	h := start(t)
	h.createGroup("Anxiety Circle")
	role := h.fake.AddRole(h.guild, "", "anxiety")

	r := h.slash(h.admin, "group edit", discordtest.Str("group", "anxiety circle"), discordtest.Str("name", "Calm Circle"),
		discordtest.Int("sharers", 3), discordtest.Int("length", 60), discordtest.Str("timezone", "Asia/Tokyo"),
		discordtest.Role("role", role), discordtest.User("facilitator", h.lead))
	mustEphemeral(t, r, "Saved **Calm Circle**", "3 sharers", "60 min", "Asia/Tokyo", "<@&"+role+">", "facilitator <@"+h.lead+">")
	list := h.groupList()
	if !strings.Contains(list, "Calm Circle") || strings.Contains(list, "Anxiety Circle") || !strings.Contains(list, "Asia/Tokyo") {
		t.Errorf("/group list after edit:\n%s", list)
	}
	if !strings.Contains(h.auditLog(), "`group.edit`") {
		t.Errorf("the edit is not in the audit log")
	}
}

func TestGroup_EditBadInput(t *testing.T) {
	h := start(t)
	h.createGroup("Anxiety Circle")
	h.createGroup("Phobia Circle")
	bot := h.fake.AddUser("", "helper-bot", true)
	h.fake.AddMember(h.guild, bot)
	g, err := h.app.DB.GroupByName(h.ctx(), h.guild, "Anxiety Circle")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.app.DB.Join(h.ctx(), &hearth.Membership{GroupID: g.ID, UserID: h.members[0]}); err != nil {
		t.Fatal(err)
	}
	foreign := h.foreignGroup("Foreign Circle")
	edit := func(group string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordtest.Reply {
		return h.slash(h.admin, "group edit", append([]*discordgo.ApplicationCommandInteractionDataOption{discordtest.Str("group", group)}, opts...)...)
	}
	tests := []struct {
		name  string
		group string
		opts  []*discordgo.ApplicationCommandInteractionDataOption
		want  string
	}{
		{"ErrUnknownGroup", "Nope", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Int("sharers", 1)}, "no group called"},
		{"ErrOtherServer", "Foreign Circle", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Int("sharers", 1)}, "no group called"},
		{"ErrSamePsychologist", "Anxiety Circle", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.User("facilitator", h.obs)}, "two different people"},
		{"ErrBotPsychologist", "Anxiety Circle", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.User("observer", bot)}, "is a bot"},
		{"ErrMemberAsPsychologist", "Anxiety Circle", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.User("observer", h.members[0])}, "is a member of **Anxiety Circle**"},
		{"ErrLength", "Anxiety Circle", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Int("length", 500)}, "15 to 480 minutes"},
		{"ErrSharers", "Anxiety Circle", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Int("sharers", 11)}, "0 to 10"},
		{"ErrNameTaken", "Anxiety Circle", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Str("name", "PHOBIA circle")}, "already exists"},
		{"ErrNameTooLong", "Anxiety Circle", []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Str("name", strings.Repeat("é", 51))}, "1 to 50 characters"},
		{"ErrNothing", "Anxiety Circle", nil, "Nothing to change"},
	}
	before := h.groupList()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustEphemeral(t, edit(tt.group, tt.opts...), tt.want)
		})
	}
	if after := h.groupList(); after != before {
		t.Errorf("refused edits changed the groups:\nbefore %s\nafter %s", before, after)
	}
	if g2, _ := h.app.DB.Group(h.ctx(), foreign.ID); g2.Sharers != 2 {
		t.Errorf("the other server's group was changed")
	}
}

func TestGroup_RedeliveredInteraction(t *testing.T) {
	h := start(t)
	ix := h.fake.SlashCommand(h.as(h.admin), "group create", discordtest.Str("name", "Anxiety Circle"), discordtest.Channel("channel", h.channel),
		discordtest.User("facilitator", h.fac), discordtest.User("observer", h.obs))
	r, err := ix.WaitFinal(h.ctx())
	if err != nil {
		t.Fatal(err)
	}
	mustEphemeral(t, r, "Created")
	h.fake.Redeliver(ix)
	if err := h.logs.waitFor(h.ctx(), `duplicate interaction ignored" interaction=`+ix.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(h.fake.CallsTo("POST", "/interactions/"+ix.ID+"/*/callback")); n != 1 {
		t.Errorf("%d replies to one interaction, want 1", n)
	}
	if n := strings.Count(h.auditLog(), "`group.create`"); n != 1 {
		t.Errorf("%d group.create entries, want 1", n)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

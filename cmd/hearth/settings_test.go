package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

func (h *harness) settingsShow() string {
	h.t.Helper()
	r := h.slash(h.admin, "settings show")
	if !r.Ephemeral {
		h.t.Errorf("/settings show is not ephemeral")
	}
	return replyText(r)
}

func TestSettings_Set(t *testing.T) {
	h := start(t)
	if show := h.settingsShow(); !strings.Contains(show, "Staff channel: not set") || !strings.Contains(show, "365 days") || !strings.Contains(show, "(default)") {
		t.Errorf("default settings:\n%s", show)
	}
	tests := []struct {
		name, command string
		opt           *discordgo.ApplicationCommandInteractionDataOption
		reply, shows  string
		audit         string
	}{
		{"Crisis", "settings crisis", discordtest.Str("text", "Call 024, day and night."), "Call 024, day and night.", "> Call 024, day and night.", "`settings.crisis` · `guild:" + h.guild + "`"},
		{"StaffChannel", "settings staff-channel", discordtest.Channel("channel", h.staff), "<#" + h.staff + ">", "Staff channel: <#" + h.staff + ">", "`settings.staff_channel` · `channel:" + h.staff + "`"},
		{"Retention", "settings retention", discordtest.Int("days", 90), "90 days", "Retention: 90 days", "`settings.retention`"},
		{"Lead", "settings lead", discordtest.User("user", h.lead), "<@" + h.lead + ">", "Clinical lead: <@" + h.lead + ">", "`settings.lead` · `user:" + h.lead + "`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustEphemeral(t, h.slash(h.admin, tt.command, tt.opt), "Saved", tt.reply)
			if show := h.settingsShow(); !strings.Contains(show, tt.shows) {
				t.Errorf("/settings show does not say %q:\n%s", tt.shows, show)
			}
			if log := h.auditLog(); !strings.Contains(log, "<@"+h.admin+"> · "+tt.audit) {
				t.Errorf("audit log has no %q by the admin:\n%s", tt.audit, log)
			}
		})
	}
	if strings.Contains(h.auditLog(), "Call 024") {
		t.Errorf("the audit log shows content")
	}
}

func TestSettings_BadInput(t *testing.T) {
	h := start(t)
	bot := h.fake.AddUser("", "helper-bot", true)
	h.fake.AddMember(h.guild, bot)
	voice := h.fake.AddChannelOfType(h.guild, "", "voice", discordgo.ChannelTypeGuildVoice)
	before := h.settingsShow()
	tests := []struct {
		name, command string
		opt           *discordgo.ApplicationCommandInteractionDataOption
		want          string
	}{
		{"ErrCrisisTooLong", "settings crisis", discordtest.Str("text", strings.Repeat("x", 1001)), "1 to 1000 characters"},
		{"ErrCrisisBlank", "settings crisis", discordtest.Str("text", "   "), "1 to 1000 characters"},
		{"ErrStaffNotText", "settings staff-channel", discordtest.Channel("channel", voice), "not a text channel"},
		{"ErrRetentionLow", "settings retention", discordtest.Int("days", 29), "30 to 3650 days"},
		{"ErrRetentionHigh", "settings retention", discordtest.Int("days", 3651), "30 to 3650 days"},
		{"ErrBotLead", "settings lead", discordtest.User("user", bot), "is a bot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustEphemeral(t, h.slash(h.admin, tt.command, tt.opt), tt.want)
		})
	}
	if after := h.settingsShow(); after != before {
		t.Errorf("refused settings changed something:\nbefore %s\nafter %s", before, after)
	}
	mustEphemeral(t, h.slash(h.admin, "settings audit"), "audit log of this server is empty")
}

func TestSettings_Audit(t *testing.T) {
	h := start(t)
	t0 := h.clock.Now()
	for i := range 17 {
		// The store stamps entries with the clock.
		h.clock.Advance(time.Minute)
		e := hearth.AuditEntry{GuildID: h.guild, ActorID: h.admin, Action: "group.edit", Target: fmt.Sprintf("group:%d", i+1)}
		if err := h.app.DB.Audit(h.ctx(), e); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("FirstPage", func(t *testing.T) {
		r := h.slash(h.admin, "settings audit")
		mustEphemeral(t, r, "page 1", "`group:17`", hearth.Timestamp(t0.Add(17*time.Minute), "f"), "<@"+h.admin+">", "page:2")
		if n := strings.Count(r.Content, "\n• "); n != 15 {
			t.Errorf("page 1 has %d entries, want 15", n)
		}
		if strings.Contains(r.Content, "`group:2`") {
			t.Errorf("page 1 shows an entry of page 2")
		}
	})
	t.Run("LastPage", func(t *testing.T) {
		r := h.slash(h.admin, "settings audit", discordtest.Int("page", 2))
		mustEphemeral(t, r, "page 2", "`group:2`", "`group:1`")
		if n := strings.Count(r.Content, "\n• "); n != 2 || strings.Contains(r.Content, "page:3") {
			t.Errorf("page 2 = %q", r.Content)
		}
	})
	t.Run("ErrPastTheEnd", func(t *testing.T) {
		mustEphemeral(t, h.slash(h.admin, "settings audit", discordtest.Int("page", 3)), "Page 3 of the audit log is empty")
	})
}

package commands

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hearthbot/hearth"
)

// auditPageSize is how many audit entries /settings audit shows per page.
const auditPageSize = 15

// registerSettings defines /settings for admins: crisis resources, staff
// channel, retention, clinical lead, and reading the settings and audit log.
func (s *Service) registerSettings(rt *Router) {
	one := 1
	crisis := Str("text", "Crisis resources shown to members (up to 1000 characters)", true, hearth.MaxCrisisText)
	crisis.MinLength = &one
	rt.Define(Command{
		Name:        "settings",
		Description: "Server settings for hearth (admins)",
		AdminOnly:   true,
		Options: []OptionDef{
			Sub("crisis", "Set the crisis-resources text members see", crisis),
			Sub("staff-channel", "Set the private channel for escalations and undeliverable alerts",
				TextChannelOpt("channel", "A private text channel only staff can read", true)),
			Sub("retention", "How long check-ins, notes and closed alerts are kept",
				Int("days", "Days to keep them (30–3650)", true, hearth.MinRetentionDays, hearth.MaxRetentionDays)),
			Sub("lead", "Set the clinical lead, who gets escalated alerts by DM",
				UserOpt("user", "The clinical lead", true)),
			Sub("show", "Show the current settings"),
			Sub("audit", "Show the audit log: who did what, and when",
				Int("page", "Page, newest first (15 entries a page)", false, 1, 10000)),
		},
	})
	rt.Handle("settings crisis", s.settingsCrisis)
	rt.Handle("settings staff-channel", s.settingsStaffChannel)
	rt.Handle("settings retention", s.settingsRetention)
	rt.Handle("settings lead", s.settingsLead)
	rt.Handle("settings show", s.settingsShow)
	rt.Handle("settings audit", s.settingsAudit)
}

// updateSettings checks the caller, applies fn and records action.
func (s *Service) updateSettings(ctx context.Context, r *Request, action, target string, fn func(*hearth.GuildSettings)) error {
	_, err := s.Store.UpdateGuildSettings(ctx, r.GuildID, func(gs *hearth.GuildSettings) error {
		fn(gs)
		return nil
	}, audit(r, action, target))
	if err == nil {
		s.Log.Info("settings changed", "guild", r.GuildID, "action", action, "by", r.User.ID)
	}
	return err
}

func (s *Service) settingsCrisis(ctx context.Context, r *Request) (*Response, error) {
	if err := requireAdmin(r); err != nil {
		return nil, err
	}
	text := strings.TrimSpace(r.Options["text"].String)
	if n := utf8.RuneCountInString(text); n == 0 || n > hearth.MaxCrisisText {
		return nil, hearth.Errorf(hearth.EINVALID, "The crisis text must be 1 to %d characters; yours has %d. Nothing was changed.", hearth.MaxCrisisText, n)
	}
	if err := s.updateSettings(ctx, r, "settings.crisis", "guild:"+r.GuildID, func(gs *hearth.GuildSettings) { gs.CrisisText = text }); err != nil {
		return nil, err
	}
	return Ephemeralf("Saved. Members who say they need help now will see:\n> %s", strings.ReplaceAll(text, "\n", "\n> ")), nil
}

func (s *Service) settingsStaffChannel(ctx context.Context, r *Request) (*Response, error) {
	if err := requireAdmin(r); err != nil {
		return nil, err
	}
	ch := r.ChannelOption("channel")
	if ch == nil || !ch.Text {
		id := ""
		if ch != nil {
			id = ch.ID
		}
		return nil, hearth.Errorf(hearth.EINVALID, "<#%s> is not a text channel. Pick a private text channel only staff can read.", id)
	}
	if err := s.updateSettings(ctx, r, "settings.staff_channel", "channel:"+ch.ID, func(gs *hearth.GuildSettings) { gs.StaffChannelID = ch.ID }); err != nil {
		return nil, err
	}
	return Ephemeralf("Saved. Escalations and undeliverable alerts will be posted in <#%s>, without member names or notes. Make sure only staff can read it.", ch.ID), nil
}

func (s *Service) settingsRetention(ctx context.Context, r *Request) (*Response, error) {
	if err := requireAdmin(r); err != nil {
		return nil, err
	}
	days, _ := r.Int("days")
	if days < hearth.MinRetentionDays || days > hearth.MaxRetentionDays {
		return nil, hearth.Errorf(hearth.EINVALID, "Retention must be from %d to %d days. Nothing was changed.", hearth.MinRetentionDays, hearth.MaxRetentionDays)
	}
	if err := s.updateSettings(ctx, r, "settings.retention", "guild:"+r.GuildID, func(gs *hearth.GuildSettings) { gs.RetentionDays = int(days) }); err != nil {
		return nil, err
	}
	return Ephemeralf("Saved. Check-ins, notes and closed alerts older than %d days will be erased.", days), nil
}

func (s *Service) settingsLead(ctx context.Context, r *Request) (*Response, error) {
	if err := requireAdmin(r); err != nil {
		return nil, err
	}
	u := r.UserOption("user")
	if u == nil {
		return nil, hearth.Errorf(hearth.EINVALID, "Pick the clinical lead in the `user` option.")
	}
	if u.Bot {
		return nil, hearth.Errorf(hearth.EINVALID, "%s is a bot; the clinical lead must be a person who can act on escalated alerts.", hearth.Mention(u.ID))
	}
	// Should this process die between the change and the hand-over below,
	// this later one still moves the escalated alerts.
	if err := s.alertService().Reassign(ctx, r.GuildID, 0, reassignSafetyNet); err != nil {
		return nil, err
	}
	old := ""
	if err := s.updateSettings(ctx, r, "settings.lead", "user:"+u.ID, func(gs *hearth.GuildSettings) { old, gs.LeadID = gs.LeadID, u.ID }); err != nil {
		return nil, err
	}
	if old != u.ID {
		// Escalated open alerts move to the new lead (SPEC §5).
		if err := s.alertService().Reassign(ctx, r.GuildID, 0, 0); err != nil {
			s.Log.Error("unable to hand over escalated alerts", "guild", r.GuildID, "error", err)
			return Ephemeralf("Saved. %s is the clinical lead: alerts not acknowledged in time reach them by DM, like a psychologist.\n%s", hearth.Mention(u.ID), msgHandOverLater), nil
		}
	}
	return Ephemeralf("Saved. %s is the clinical lead: alerts not acknowledged in time reach them by DM, like a psychologist.", hearth.Mention(u.ID)), nil
}

func (s *Service) settingsShow(ctx context.Context, r *Request) (*Response, error) {
	if err := requireAdmin(r); err != nil {
		return nil, err
	}
	gs, err := s.Store.GuildSettings(ctx, r.GuildID)
	if err != nil {
		return nil, err
	}
	staff, lead, tz := "not set", "not set", "UTC"
	if gs.StaffChannelID != "" {
		staff = "<#" + gs.StaffChannelID + ">"
	}
	if gs.LeadID != "" {
		lead = hearth.Mention(gs.LeadID)
	}
	if gs.Timezone != "" {
		tz = gs.Timezone
	}
	crisis := gs.Crisis()
	if gs.CrisisText == "" {
		crisis += " *(default)*"
	}
	return Ephemeralf("**Settings of this server**\nStaff channel: %s\nClinical lead: %s\nRetention: %d days\nDefault time zone of new groups: %s\nCrisis resources:\n> %s",
		staff, lead, gs.RetentionDays, tz, strings.ReplaceAll(crisis, "\n", "\n> ")), nil
}

func (s *Service) settingsAudit(ctx context.Context, r *Request) (*Response, error) {
	if err := requireAdmin(r); err != nil {
		return nil, err
	}
	page := int64(1)
	if p, ok := r.Int("page"); ok {
		page = p
	}
	if page < 1 {
		return nil, hearth.Errorf(hearth.EINVALID, "Pages start at 1.")
	}
	// One entry more than a page tells whether there is a next page.
	es, err := s.Store.AuditLog(ctx, r.GuildID, auditPageSize+1, int(page-1)*auditPageSize)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		if page == 1 {
			return Ephemeral("The audit log of this server is empty."), nil
		}
		return Ephemeralf("Page %d of the audit log is empty; there are fewer entries. Try a lower page.", page), nil
	}
	more := len(es) > auditPageSize
	es = es[:min(len(es), auditPageSize)]
	var b strings.Builder
	fmt.Fprintf(&b, "**Audit log**, page %d (newest first)\n", page)
	for _, e := range es {
		fmt.Fprintf(&b, "• %s · %s · `%s`", hearth.Timestamp(e.At, "f"), hearth.Mention(e.ActorID), e.Action)
		if e.Target != "" {
			fmt.Fprintf(&b, " · `%s`", e.Target)
		}
		b.WriteString("\n")
	}
	if more {
		fmt.Fprintf(&b, "More: `/settings audit page:%d`", page+1)
	}
	return Ephemeral(b.String()), nil
}

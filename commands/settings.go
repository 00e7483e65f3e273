package commands

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
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
			Sub("crisis", "Set the crisis-resources text members see", crisis,
				languageOpt("Which language this text is in (default: yours)")),
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
		return nil, &hearth.Error{Code: hearth.EINVALID, Message: r.T(locale.SettingsCrisisLength, locale.A("Max", hearth.MaxCrisisText), locale.A("Length", n))}
	}
	// One text per language (SPEC §2): the option's, else the caller's.
	lang := r.Lang.OrDefault()
	if r.Has("language") {
		l, ok := locale.Parse(r.String("language"))
		if !ok {
			return nil, &hearth.Error{Code: hearth.EINVALID, Message: r.T(locale.ErrorLanguage)}
		}
		lang = l
	}
	if err := s.updateSettings(ctx, r, "settings.crisis", "guild:"+r.GuildID, func(gs *hearth.GuildSettings) {
		if lang == locale.Spanish {
			gs.CrisisTextES = text
		} else {
			gs.CrisisText = text
		}
	}); err != nil {
		return nil, err
	}
	quoted := strings.ReplaceAll(text, "\n", "\n> ")
	if !r.Has("language") && r.Lang == locale.English {
		return Ephemeral(r.T(locale.SettingsCrisisSaved, locale.A("Text", quoted))), nil
	}
	return Ephemeral(r.T(locale.SettingsCrisisSavedLang, locale.A("Lang", langName(r.Lang, string(lang))), locale.A("Text", quoted))), nil
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
		return nil, &hearth.Error{Code: hearth.EINVALID, Message: r.T(locale.SettingsStaffNotText, locale.A("Channel", "<#"+id+">"))}
	}
	if err := s.updateSettings(ctx, r, "settings.staff_channel", "channel:"+ch.ID, func(gs *hearth.GuildSettings) { gs.StaffChannelID = ch.ID }); err != nil {
		return nil, err
	}
	return Ephemeral(r.T(locale.SettingsStaffSaved, locale.A("Channel", "<#"+ch.ID+">"))), nil
}

func (s *Service) settingsRetention(ctx context.Context, r *Request) (*Response, error) {
	if err := requireAdmin(r); err != nil {
		return nil, err
	}
	days, _ := r.Int("days")
	if days < hearth.MinRetentionDays || days > hearth.MaxRetentionDays {
		return nil, &hearth.Error{Code: hearth.EINVALID, Message: r.T(locale.SettingsRetentionRange, locale.A("Min", hearth.MinRetentionDays), locale.A("Max", hearth.MaxRetentionDays))}
	}
	if err := s.updateSettings(ctx, r, "settings.retention", "guild:"+r.GuildID, func(gs *hearth.GuildSettings) { gs.RetentionDays = int(days) }); err != nil {
		return nil, err
	}
	return Ephemeral(r.T(locale.SettingsRetentionSaved, locale.A("Days", days))), nil
}

func (s *Service) settingsLead(ctx context.Context, r *Request) (*Response, error) {
	if err := requireAdmin(r); err != nil {
		return nil, err
	}
	u := r.UserOption("user")
	if u == nil {
		return nil, &hearth.Error{Code: hearth.EINVALID, Message: r.T(locale.SettingsLeadMissing)}
	}
	if u.Bot {
		return nil, &hearth.Error{Code: hearth.EINVALID, Message: r.T(locale.SettingsLeadBot, locale.A("User", hearth.Mention(u.ID)))}
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
	saved := r.T(locale.SettingsLeadSaved, locale.A("User", hearth.Mention(u.ID)))
	if old != u.ID {
		// Escalated open alerts move to the new lead (SPEC §5).
		if err := s.alertService().Reassign(ctx, r.GuildID, 0, 0); err != nil {
			s.Log.Error("unable to hand over escalated alerts", "guild", r.GuildID, "error", err)
			return Ephemeral(saved + "\n" + r.T(locale.CmdCommonHandoverLater)), nil
		}
	}
	return Ephemeral(saved), nil
}

func (s *Service) settingsShow(ctx context.Context, r *Request) (*Response, error) {
	if err := requireAdmin(r); err != nil {
		return nil, err
	}
	gs, err := s.Store.GuildSettings(ctx, r.GuildID)
	if err != nil {
		return nil, err
	}
	staff, lead, tz := r.T(locale.SettingsNotSet), r.T(locale.SettingsNotSet), "UTC"
	if gs.StaffChannelID != "" {
		staff = "<#" + gs.StaffChannelID + ">"
	}
	if gs.LeadID != "" {
		lead = hearth.Mention(gs.LeadID)
	}
	if gs.Timezone != "" {
		tz = gs.Timezone
	}
	// Each language's text as its readers see it (SPEC §2).
	crisis := gs.CrisisFor(hearth.LangEnglish, locale.English)
	if gs.CrisisText == "" && gs.CrisisTextES == "" {
		crisis += r.T(locale.SettingsDefaultMark)
	}
	out := r.T(locale.SettingsShow, locale.A("Staff", staff), locale.A("Lead", lead), locale.A("Days", gs.RetentionDays),
		locale.A("Timezone", tz), locale.A("Crisis", strings.ReplaceAll(crisis, "\n", "\n> ")))
	if gs.CrisisTextES != "" || gs.CrisisText == "" {
		es := gs.CrisisFor(hearth.LangSpanish, locale.Spanish)
		if gs.CrisisTextES == "" {
			es += r.T(locale.SettingsDefaultMark)
		}
		out += r.T(locale.SettingsShowCrisisEs, locale.A("Crisis", strings.ReplaceAll(es, "\n", "\n> ")))
	}
	return Ephemeral(out), nil
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
		return nil, &hearth.Error{Code: hearth.EINVALID, Message: r.T(locale.SettingsAuditFirstPage)}
	}
	// One entry more than a page tells whether there is a next page.
	es, err := s.Store.AuditLog(ctx, r.GuildID, auditPageSize+1, int(page-1)*auditPageSize)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		if page == 1 {
			return Ephemeral(r.T(locale.SettingsAuditEmpty)), nil
		}
		return Ephemeral(r.T(locale.SettingsAuditPageEmpty, locale.A("Page", page))), nil
	}
	more := len(es) > auditPageSize
	es = es[:min(len(es), auditPageSize)]
	var b strings.Builder
	b.WriteString(r.T(locale.SettingsAuditTitle, locale.A("Page", page)) + "\n")
	for _, e := range es {
		b.WriteString(hearth.AuditLine(e, r.Lang) + "\n")
	}
	if more {
		b.WriteString(r.T(locale.SettingsAuditMore, locale.A("Next", page+1)))
	}
	return Ephemeral(b.String()), nil
}

package commands

import (
	"context"
	"strings"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// registerPrivacy defines /privacy: a member sees, exports or erases what
// hearth keeps about them in this server. Every answer is ephemeral.
func (s *Service) registerPrivacy(rt *Router) {
	rt.Define(Command{
		Name:        "privacy",
		Description: "See, export or erase what hearth keeps about you in this server",
		Options: []OptionDef{
			Sub("show", "What hearth keeps about you in this server"),
			Sub("export", "A file with all of it, only for you"),
			Sub("delete", "Erase all of it (asks you to confirm)"),
		},
	})
	rt.Handle("privacy show", s.privacyShow)
	rt.Handle("privacy export", s.privacyExport)
	rt.Handle("privacy delete", s.privacyDelete)
	rt.Component("privacy:delete", s.privacyDeleteConfirm)
	rt.Component("privacy:cancel", s.privacyDeleteCancel)
}

// userData loads the caller's data in the interaction's server, notes
// decrypted: for export only.
func (s *Service) userData(ctx context.Context, r *Request) (*hearth.UserData, error) {
	if err := guildOnly(r); err != nil {
		return nil, err
	}
	return s.Store.UserData(ctx, r.GuildID, r.User.ID)
}

// userSummary loads the caller's data without decrypting a note: showing
// and erasing need no key.
func (s *Service) userSummary(ctx context.Context, r *Request) (*hearth.UserData, error) {
	if err := guildOnly(r); err != nil {
		return nil, err
	}
	return s.Store.UserSummary(ctx, r.GuildID, r.User.ID)
}

func isEmpty(d *hearth.UserData) bool {
	return len(d.Memberships) == 0 && len(d.CheckIns) == 0 && len(d.Alerts) == 0 && len(d.Presence) == 0
}

func groupNames(d *hearth.UserData) map[int64]string {
	names := make(map[int64]string, len(d.Groups))
	for _, g := range d.Groups {
		names[g.ID] = g.Name
	}
	return names
}

func (s *Service) privacyShow(ctx context.Context, r *Request) (*Response, error) {
	d, err := s.userSummary(ctx, r)
	if err != nil {
		return nil, err
	}
	settings, err := s.Store.GuildSettings(ctx, r.GuildID)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	line := func(k locale.Key, args ...locale.Arg) { b.WriteString(r.T(k, args...) + "\n") }
	line(locale.PrivacyTitle)
	if isEmpty(d) {
		line(locale.PrivacyNothing)
	} else {
		names := groupNames(d)
		if len(d.Memberships) == 0 {
			line(locale.PrivacyGroupsNone)
		} else {
			parts := make([]string, len(d.Memberships))
			dm := false
			for i, m := range d.Memberships {
				parts[i] = r.T(locale.PrivacyGroupJoined, locale.A("Group", names[m.GroupID]), locale.A("When", hearth.Timestamp(m.JoinedAt, "D")))
				dm = dm || m.DMReminders
			}
			line(locale.PrivacyGroups, locale.A("Groups", strings.Join(parts, ", ")))
			line(locale.PrivacyDmReminders, locale.A("State", onOff(r, dm)))
		}
		line(locale.PrivacyCheckins, locale.A("Count", len(d.CheckIns)))
		if len(d.Presence) > 0 {
			line(locale.PrivacyPresence, locale.A("Count", len(d.Presence)))
		}
		open := 0
		for _, a := range d.Alerts {
			if a.Status != hearth.AlertResolved {
				open++
			}
		}
		line(locale.PrivacyAlerts, locale.A("Count", len(d.Alerts)), locale.A("Open", open))
		if d.HasNotes() {
			line(locale.PrivacyNotesYes)
		} else {
			line(locale.PrivacyNotesNone)
		}
	}
	if d.Language != "" {
		b.WriteString(r.T(locale.PrivacyLanguage, locale.A("Lang", langName(r.Lang, d.Language))) + "\n")
	}
	line(locale.PrivacyRetention, locale.A("Days", retentionDays(settings)))
	b.WriteString(r.T(locale.PrivacyHow))
	return Ephemeral(b.String()), nil
}

func onOff(r *Request, on bool) string {
	if on {
		return r.T(locale.PrivacyOn)
	}
	return r.T(locale.PrivacyOff)
}

func retentionDays(s *hearth.GuildSettings) int {
	if s.RetentionDays <= 0 {
		return hearth.DefaultRetentionDays
	}
	return s.RetentionDays
}

// privacyExport answers with the caller's data as a JSON file. The reply is
// ephemeral, so Discord does not keep the file in the channel.
func (s *Service) privacyExport(ctx context.Context, r *Request) (*Response, error) {
	d, err := s.userData(ctx, r)
	if err != nil {
		return nil, err
	}
	settings, err := s.Store.GuildSettings(ctx, r.GuildID)
	if err != nil {
		return nil, err
	}
	data, err := exportJSON(d, retentionDays(settings), now(r))
	if err != nil {
		return nil, err
	}
	return &Response{Message: hearth.Message{
		Content:   r.T(locale.PrivacyExport),
		Files:     []hearth.File{{Name: "hearth-data-" + r.GuildID + ".json", ContentType: "application/json", Data: data}},
		Ephemeral: true,
	}}, nil
}

func (s *Service) privacyDelete(ctx context.Context, r *Request) (*Response, error) {
	d, err := s.userSummary(ctx, r)
	if err != nil {
		return nil, err
	}
	if isEmpty(d) {
		return Ephemeral(r.T(locale.PrivacyDeleteNothing)), nil
	}
	var b strings.Builder
	b.WriteString(r.T(locale.PrivacyDeleteTitle) + "\n")
	if len(d.Memberships) > 0 {
		names := groupNames(d)
		gs := make([]string, len(d.Memberships))
		for i, m := range d.Memberships {
			gs[i] = "**" + names[m.GroupID] + "**"
		}
		b.WriteString(r.T(locale.PrivacyDeleteMemberships, locale.A("Groups", strings.Join(gs, ", "))) + "\n")
	}
	b.WriteString(r.T(locale.PrivacyDeleteCheckins, locale.A("Count", len(d.CheckIns))) + "\n")
	b.WriteString(r.T(locale.PrivacyDeleteAlerts, locale.A("Count", len(d.Alerts))) + "\n")
	if len(d.Presence) > 0 {
		b.WriteString(r.T(locale.PrivacyDeletePresence, locale.A("Count", len(d.Presence))) + "\n")
	}
	if d.Language != "" {
		b.WriteString(r.T(locale.PrivacyDeleteLanguage) + "\n")
	}
	b.WriteString(r.T(locale.PrivacyDeleteFinal))
	staff, err := s.groupsFor(ctx, r, scopePsychologist)
	if err != nil {
		return nil, err
	}
	if len(staff) > 0 {
		b.WriteString("\n" + r.T(locale.PrivacyDeleteStaff))
	}
	id := r.User.ID
	return &Response{Message: hearth.Message{
		Content:   b.String(),
		Ephemeral: true,
		Buttons: [][]hearth.Button{{
			{Label: r.T(locale.PrivacyDeleteButton), CustomID: "privacy:delete:" + id, Style: hearth.ButtonDanger},
			{Label: r.T(locale.PrivacyCancelButton), CustomID: "privacy:cancel:" + id, Style: hearth.ButtonSecondary},
		}},
	}}, nil
}

// confirmer checks that the button was pressed by the person who asked.
func confirmer(r *Request, route string) error {
	if err := guildOnly(r); err != nil {
		return err
	}
	return pressedByOwner(r, route, 0)
}

// privacyDeleteConfirm erases the caller's data in one transaction with its
// audit entry, then takes back the group roles it can.
func (s *Service) privacyDeleteConfirm(ctx context.Context, r *Request) (*Response, error) {
	if err := confirmer(r, "privacy:delete"); err != nil {
		return nil, err
	}
	d, err := s.userSummary(ctx, r)
	if err != nil {
		return nil, err
	}
	if isEmpty(d) {
		if d.Language != "" { // the language of their interactions is all there is
			if _, err := s.Store.EraseUser(ctx, r.GuildID, r.User.ID, audit(r, hearth.AuditPrivacyDelete, "")); err != nil {
				return nil, err
			}
			s.forgetLanguage(r.GuildID, r.User.ID)
		}
		return Update(hearth.Message{Content: r.T(locale.PrivacyNothingLeft)}), nil
	}
	e, err := s.Store.EraseUser(ctx, r.GuildID, r.User.ID, audit(r, hearth.AuditPrivacyDelete, ""))
	if err != nil {
		return nil, err
	}
	s.forgetLanguage(r.GuildID, r.User.ID)
	// Ids and counts only: the log says an erasure happened, not whose data.
	s.Log.Info("member data erased", "guild", r.GuildID, "memberships", e.Memberships,
		"check_ins", e.CheckIns, "alerts", e.Alerts, "jobs", e.Jobs)
	s.wake() // the erased alerts' DMs are deleted by durable jobs
	var kept []string
	for _, g := range e.Groups {
		if g.RoleID == "" || s.Discord == nil {
			continue
		}
		if err := s.Discord.RemoveRole(ctx, r.GuildID, r.User.ID, g.RoleID); err != nil {
			s.Log.Warn("unable to remove group role after erasure", "guild", r.GuildID, "group", g.ID, "role", g.RoleID, "error", err)
			kept = append(kept, "**"+g.Name+"**")
		}
	}
	msg := r.T(locale.PrivacyErased, locale.A("Memberships", e.Memberships), locale.A("CheckIns", e.CheckIns), locale.A("Alerts", e.Alerts))
	if len(kept) > 0 {
		msg += r.T(locale.PrivacyRoleKept, locale.A("Groups", strings.Join(kept, ", ")))
	}
	return Update(hearth.Message{Content: msg}), nil
}

func (s *Service) privacyDeleteCancel(_ context.Context, r *Request) (*Response, error) {
	if err := confirmer(r, "privacy:cancel"); err != nil {
		return nil, err
	}
	return Update(hearth.Message{Content: r.T(locale.PrivacyCancelled)}), nil
}

package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/hearthbot/hearth"
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

// userData loads the caller's data in the interaction's server.
func (s *Service) userData(ctx context.Context, r *Request) (*hearth.UserData, error) {
	if err := guildOnly(r); err != nil {
		return nil, err
	}
	return s.Store.UserData(ctx, r.GuildID, r.User.ID)
}

func isEmpty(d *hearth.UserData) bool {
	return len(d.Memberships) == 0 && len(d.CheckIns) == 0 && len(d.Alerts) == 0
}

func groupNames(d *hearth.UserData) map[int64]string {
	names := make(map[int64]string, len(d.Groups))
	for _, g := range d.Groups {
		names[g.ID] = g.Name
	}
	return names
}

func (s *Service) privacyShow(ctx context.Context, r *Request) (*Response, error) {
	d, err := s.userData(ctx, r)
	if err != nil {
		return nil, err
	}
	settings, err := s.Store.GuildSettings(ctx, r.GuildID)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("**What hearth keeps about you in this server** (only you can see this)\n")
	if isEmpty(d) {
		b.WriteString("Nothing: you are in no group here and have no check-ins or alerts.\n")
	} else {
		names := groupNames(d)
		if len(d.Memberships) == 0 {
			b.WriteString("• Groups: none\n")
		} else {
			parts := make([]string, len(d.Memberships))
			dm := false
			for i, m := range d.Memberships {
				parts[i] = fmt.Sprintf("**%s** (joined %s)", names[m.GroupID], hearth.Timestamp(m.JoinedAt, "D"))
				dm = dm || m.DMReminders
			}
			fmt.Fprintf(&b, "• Groups: %s\n", strings.Join(parts, ", "))
			fmt.Fprintf(&b, "• Reminders by DM: %s\n", onOff(dm))
		}
		fmt.Fprintf(&b, "• Check-ins: %d\n", len(d.CheckIns))
		open := 0
		for _, a := range d.Alerts {
			if a.Status != hearth.AlertResolved {
				open++
			}
		}
		fmt.Fprintf(&b, "• Alerts to your psychologists: %d (%d not resolved)\n", len(d.Alerts), open)
		if d.HasNotes() {
			b.WriteString("• Private notes: yes, encrypted; only you and your group's psychologists can read them\n")
		} else {
			b.WriteString("• Private notes: none\n")
		}
	}
	fmt.Fprintf(&b, "Check-ins, notes and closed alerts are deleted after **%d days** in this server.\n", retentionDays(settings))
	b.WriteString("`/privacy export` gives you a file with all of it; `/privacy delete` erases it.")
	return Ephemeral(b.String()), nil
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
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
		Content: "Here is everything hearth keeps about you in this server (only you can see this message). " +
			"The file holds your private notes: keep it somewhere safe.",
		Files:     []hearth.File{{Name: "hearth-data-" + r.GuildID + ".json", ContentType: "application/json", Data: data}},
		Ephemeral: true,
	}}, nil
}

func (s *Service) privacyDelete(ctx context.Context, r *Request) (*Response, error) {
	d, err := s.userData(ctx, r)
	if err != nil {
		return nil, err
	}
	if isEmpty(d) {
		return Ephemeral("hearth keeps nothing about you in this server: there is nothing to erase."), nil
	}
	var b strings.Builder
	b.WriteString("**Erase your data in this server?** This deletes:\n")
	if len(d.Memberships) > 0 {
		names := groupNames(d)
		gs := make([]string, len(d.Memberships))
		for i, m := range d.Memberships {
			gs[i] = "**" + names[m.GroupID] + "**"
		}
		fmt.Fprintf(&b, "• your membership of %s: you leave them and their rotas\n", strings.Join(gs, ", "))
	}
	fmt.Fprintf(&b, "• %d check-ins with their moods and notes\n", len(d.CheckIns))
	fmt.Fprintf(&b, "• %d alerts with their notes\n", len(d.Alerts))
	b.WriteString("It cannot be undone (use `/privacy export` first for a copy). The server's audit log keeps only a line saying that you erased your data, not what it was.")
	staff, err := s.groupsFor(ctx, r, scopePsychologist)
	if err != nil {
		return nil, err
	}
	if len(staff) > 0 {
		b.WriteString("\nYou stay a psychologist of the groups you coordinate; an admin can change that.")
	}
	id := r.User.ID
	return &Response{Message: hearth.Message{
		Content:   b.String(),
		Ephemeral: true,
		Buttons: [][]hearth.Button{{
			{Label: "Delete my data", CustomID: "privacy:delete:" + id, Style: hearth.ButtonDanger},
			{Label: "Cancel", CustomID: "privacy:cancel:" + id, Style: hearth.ButtonSecondary},
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
	d, err := s.userData(ctx, r)
	if err != nil {
		return nil, err
	}
	if isEmpty(d) {
		return Update(hearth.Message{Content: "There is nothing left to erase: hearth keeps nothing about you in this server."}), nil
	}
	e, err := s.Store.EraseUser(ctx, r.GuildID, r.User.ID, audit(r, hearth.AuditPrivacyDelete, ""))
	if err != nil {
		return nil, err
	}
	// Ids and counts only: the log says an erasure happened, not whose data.
	s.Log.Info("member data erased", "guild", r.GuildID, "memberships", e.Memberships,
		"check_ins", e.CheckIns, "alerts", e.Alerts, "jobs", e.Jobs)
	s.deleteAlertDMs(ctx, r.GuildID, d)
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
	msg := fmt.Sprintf("Your data in this server is erased: %d memberships, %d check-ins and %d alerts, with their notes. "+
		"If you want to come back, `/join` starts afresh.", e.Memberships, e.CheckIns, e.Alerts)
	if len(kept) > 0 {
		msg += fmt.Sprintf(" hearth could not take back the role of %s; ask an admin to remove it.", strings.Join(kept, ", "))
	}
	return Update(hearth.Message{Content: msg}), nil
}

// deleteAlertDMs deletes the alert DMs the psychologists (and lead) got
// about the erased alerts: erasure reaches what Discord keeps too. It is
// best effort, after the database change: a DM that cannot be deleted is
// logged with its ids.
func (s *Service) deleteAlertDMs(ctx context.Context, guildID string, d *hearth.UserData) {
	if s.Discord == nil {
		return
	}
	for alertID, ds := range d.Deliveries {
		for _, del := range ds {
			if del.MessageID == "" || del.ChannelID == "" {
				continue
			}
			err := s.Discord.Delete(ctx, del.ChannelID, del.MessageID)
			if err != nil && hearth.Failure(err) != hearth.FailGone {
				s.Log.Warn("unable to delete an erased alert's DM", "guild", guildID, "alert", alertID, "channel", del.ChannelID, "message", del.MessageID, "error", err)
			}
		}
	}
}

func (s *Service) privacyDeleteCancel(_ context.Context, r *Request) (*Response, error) {
	if err := confirmer(r, "privacy:cancel"); err != nil {
		return nil, err
	}
	return Update(hearth.Message{Content: "Nothing was erased."}), nil
}

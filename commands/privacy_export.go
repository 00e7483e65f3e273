package commands

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/hearthbot/hearth"
)

// The /privacy export document. Its field names are a format people keep:
// add fields, never rename them.
type (
	exportDoc struct {
		Format        string             `json:"format"`
		ExportedAt    time.Time          `json:"exported_at"`
		ServerID      string             `json:"server_id"`
		UserID        string             `json:"user_id"`
		RetentionDays int                `json:"retention_days"`
		Memberships   []exportMembership `json:"memberships"`
		CheckIns      []exportCheckIn    `json:"check_ins"`
		Alerts        []exportAlert      `json:"alerts"`
		VoicePresence []exportPresence   `json:"voice_presence"`
		Actions       []exportAction     `json:"actions"`
		Language      string             `json:"language,omitempty"` // of the user's DMs (SPEC §10)
	}
	// exportPresence is one stay in a group's voice channel around a
	// meeting (§12); left_at is null while the member is still there.
	exportPresence struct {
		GroupID   string     `json:"group_id"`
		Group     string     `json:"group"`
		MeetingID string     `json:"meeting_id"`
		JoinedAt  time.Time  `json:"joined_at"`
		LeftAt    *time.Time `json:"left_at"`
	}
	exportMembership struct {
		GroupID     string     `json:"group_id"`
		Group       string     `json:"group"`
		JoinedAt    time.Time  `json:"joined_at"`
		AgreedAt    *time.Time `json:"agreed_to_guidelines_at"`
		AwayUntil   *time.Time `json:"away_until"`
		DMReminders bool       `json:"dm_reminders"`
		Shares      int        `json:"times_shared"`
		LastShared  *time.Time `json:"last_shared"`
	}
	exportCheckIn struct {
		ID          string    `json:"id"`
		GroupID     string    `json:"group_id"`
		Group       string    `json:"group"`
		MeetingID   string    `json:"meeting_id"`
		CheckedInAt time.Time `json:"checked_in_at"`
		Mood        *int      `json:"mood"`
		Note        string    `json:"note"`
	}
	exportAlert struct {
		ID             string           `json:"id"`
		GroupID        string           `json:"group_id"`
		Group          string           `json:"group"`
		RaisedAt       time.Time        `json:"raised_at"`
		Urgency        string           `json:"urgency"`
		Relapse        bool             `json:"relapse"`
		Note           string           `json:"note"`
		Status         string           `json:"status"`
		AcknowledgedBy string           `json:"acknowledged_by,omitempty"`
		AcknowledgedAt *time.Time       `json:"acknowledged_at"`
		ResolvedBy     string           `json:"resolved_by,omitempty"`
		ResolvedAt     *time.Time       `json:"resolved_at"`
		EscalatedAt    *time.Time       `json:"escalated_at"`
		Deliveries     []exportDelivery `json:"deliveries"`
	}
	exportDelivery struct {
		To        string    `json:"to"`
		Role      string    `json:"role"`
		Status    string    `json:"status"`
		UpdatedAt time.Time `json:"updated_at"`
	}
	exportAction struct {
		Action string    `json:"action"`
		Target string    `json:"target,omitempty"`
		At     time.Time `json:"at"`
	}
)

// exportFormat names the document's version.
const exportFormat = "hearth.privacy-export.v1"

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func id64(id int64) string { return strconv.FormatInt(id, 10) }

// exportJSON renders everything hearth keeps about a user in a server, notes
// included. Ids are strings, as Discord writes them.
func exportJSON(d *hearth.UserData, retention int, at time.Time) ([]byte, error) {
	names := groupNames(d)
	doc := exportDoc{
		Format: exportFormat, ExportedAt: at.UTC(), ServerID: d.GuildID, UserID: d.UserID, RetentionDays: retention,
		Memberships: []exportMembership{}, CheckIns: []exportCheckIn{}, Alerts: []exportAlert{}, VoicePresence: []exportPresence{}, Actions: []exportAction{},
		Language: d.Language,
	}
	for _, m := range d.Memberships {
		doc.Memberships = append(doc.Memberships, exportMembership{
			GroupID: id64(m.GroupID), Group: names[m.GroupID], JoinedAt: m.JoinedAt.UTC(),
			AgreedAt: optTime(m.AgreedAt), AwayUntil: optTime(m.AwayUntil), DMReminders: m.DMReminders,
			Shares: m.Shares, LastShared: optTime(m.LastShared),
		})
	}
	for _, c := range d.CheckIns {
		e := exportCheckIn{
			ID: id64(c.ID), GroupID: id64(c.GroupID), Group: names[c.GroupID], MeetingID: id64(c.MeetingID),
			CheckedInAt: c.CreatedAt.UTC(), Note: c.Note,
		}
		if c.Mood != 0 {
			mood := c.Mood
			e.Mood = &mood
		}
		doc.CheckIns = append(doc.CheckIns, e)
	}
	for _, a := range d.Alerts {
		e := exportAlert{
			ID: id64(a.ID), GroupID: id64(a.GroupID), Group: names[a.GroupID], RaisedAt: a.CreatedAt.UTC(),
			Urgency: a.Urgency.Label(), Relapse: a.Relapse, Note: a.Note, Status: string(a.Status),
			AcknowledgedBy: a.AckBy, AcknowledgedAt: optTime(a.AckAt), ResolvedBy: a.ResolvedBy,
			ResolvedAt: optTime(a.ResolvedAt), EscalatedAt: optTime(a.EscalatedAt), Deliveries: []exportDelivery{},
		}
		for _, dl := range d.Deliveries[a.ID] {
			e.Deliveries = append(e.Deliveries, exportDelivery{To: dl.RecipientID, Role: dl.Role, Status: string(dl.Status), UpdatedAt: dl.UpdatedAt.UTC()})
		}
		doc.Alerts = append(doc.Alerts, e)
	}
	for _, p := range d.Presence {
		doc.VoicePresence = append(doc.VoicePresence, exportPresence{
			GroupID: id64(p.GroupID), Group: names[p.GroupID], MeetingID: id64(p.MeetingID),
			JoinedAt: p.JoinedAt.UTC(), LeftAt: optTime(p.LeftAt),
		})
	}
	for _, au := range d.Actions {
		doc.Actions = append(doc.Actions, exportAction{Action: au.Action, Target: au.Target, At: au.At.UTC()})
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode export: %w", err)
	}
	return b, nil
}

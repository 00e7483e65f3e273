package commands

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// registerCheckIn defines /checkin and routes the button a low-mood
// check-in offers.
func (s *Service) registerCheckIn(rt *Router) {
	rt.Define(Command{
		Name:        "checkin",
		Description: "Check in to your group's meeting (your mood and note stay private)",
		Options: []OptionDef{
			GroupOpt(false),
			Int("mood", "How are you feeling, from 1 (very low) to 5 (very good)? Only you and the psychologists see it", false, hearth.MinMood, hearth.MaxMood),
			Str("note", "A private note: only you and your group's psychologists can read it", false, hearth.MaxCheckInNote),
		},
	})
	rt.Handle("checkin", s.checkIn)
	rt.Component("checkin:alert", s.checkInAlert)
}

// checkIn records attendance at the meeting open for check-in: from
// hearth.CheckInOpens before its start to its end. A second /checkin to the
// same meeting changes the mood and note given and keeps the others.
func (s *Service) checkIn(ctx context.Context, r *Request) (*Response, error) {
	mood, hasMood := r.Int("mood")
	if hasMood && (mood < hearth.MinMood || mood > hearth.MaxMood) {
		return nil, r.Err(hearth.EINVALID, locale.CmdCheckinMoodRange, locale.A("Min", hearth.MinMood), locale.A("Max", hearth.MaxMood))
	}
	note := strings.TrimSpace(r.Options["note"].String)
	if n := utf8.RuneCountInString(note); n > hearth.MaxCheckInNote {
		return nil, r.Err(hearth.EINVALID, locale.CmdCheckinNoteTooLong, locale.A("Length", n), locale.A("Max", hearth.MaxCheckInNote))
	}
	g, err := s.group(ctx, r)
	if err != nil {
		return nil, err
	}
	m, err := s.checkInMeeting(ctx, g, r)
	if err != nil {
		return nil, err
	}
	var update func(*hearth.CheckIn) error // a repeated /checkin without changes changes nothing
	if hasMood || note != "" {
		update = func(cur *hearth.CheckIn) error {
			if hasMood {
				cur.Mood = int(mood)
			}
			if note != "" {
				cur.Note = note
			}
			return nil
		}
	}
	c, created, err := s.Store.SaveCheckIn(ctx, &hearth.CheckIn{MeetingID: m.ID, UserID: r.User.ID, Mood: int(mood), Note: note, CreatedAt: now(r)}, update)
	if err != nil {
		return nil, err
	}
	if !created && update == nil {
		return Ephemeral(r.T(locale.CmdCheckinAlready, locale.A("Group", g.Name), locale.A("When", hearth.Timestamp(m.StartsAt, "f")))), nil
	}
	updated := !created
	s.Log.Info("checked in", "meeting", m.ID, "group", g.ID, "user", r.User.ID, "updated", updated)
	return checkInReply(r, g, m, c, updated, hasMood, note != ""), nil
}

// checkInMeeting returns the meeting open for check-in now, or an error that
// says when the next one is.
func (s *Service) checkInMeeting(ctx context.Context, g *hearth.Group, r *Request) (*hearth.Meeting, error) {
	m, err := s.meeting(ctx, g, now(r), checkInOpen)
	if err != nil || m != nil {
		return m, err
	}
	next, err := s.meeting(ctx, g, now(r), notStarted)
	if err != nil {
		return nil, err
	}
	if next != nil {
		return nil, r.Err(hearth.EINVALID, locale.CmdCheckinClosedNext, locale.A("Group", g.Name), locale.A("Minutes", int(hearth.CheckInOpens.Minutes())),
			locale.A("When", hearth.Timestamp(next.StartsAt, "F")), locale.A("Relative", hearth.Timestamp(next.StartsAt, "R")))
	}
	return nil, r.Err(hearth.EINVALID, locale.CmdCheckinClosedNone, locale.A("Group", g.Name), locale.A("Minutes", int(hearth.CheckInOpens.Minutes())))
}

// checkInReply confirms a check-in privately; a low mood offers to tell the
// psychologists. In r's language.
func checkInReply(r *Request, g *hearth.Group, m *hearth.Meeting, c *hearth.CheckIn, updated, moodGiven, noteGiven bool) *Response {
	var b strings.Builder
	group, when := locale.A("Group", g.Name), locale.A("When", hearth.Timestamp(m.StartsAt, "f"))
	switch {
	case updated && moodGiven && noteGiven:
		b.WriteString(r.T(locale.CmdCheckinUpdatedBoth, group, when))
	case updated && moodGiven:
		b.WriteString(r.T(locale.CmdCheckinUpdatedMood, group, when))
	case updated:
		b.WriteString(r.T(locale.CmdCheckinUpdatedNote, group, when))
	default:
		b.WriteString(r.T(locale.CmdCheckinDone, group, when))
	}
	if c.Mood > 0 {
		b.WriteString(r.T(locale.CmdCheckinMood, locale.A("Mood", c.Mood)))
	}
	if c.Note != "" {
		b.WriteString(r.T(locale.CmdCheckinNoteStored))
	}
	b.WriteString(r.T(locale.CmdCheckinPrivate))
	resp := Ephemeral(b.String())
	if c.Mood > 0 && c.Mood <= hearth.LowMood {
		resp.Message.Content += r.T(locale.CmdCheckinLowMood)
		resp.Message.Buttons = [][]hearth.Button{{{
			Label:    r.T(locale.CmdCheckinAlertButton),
			CustomID: "checkin:alert:" + strconv.FormatInt(m.ID, 10) + ":" + c.UserID,
			Style:    hearth.ButtonPrimary,
		}}}
	}
	return resp
}

// checkInAlert raises an alert (urgency today) for the member who checked
// in. The check-in note is not copied into it: it was written as a check-in,
// and the psychologists can read it with the meeting's details; a member who
// wants to say more uses /struggling with a note.
func (s *Service) checkInAlert(ctx context.Context, r *Request) (*Response, error) {
	meetingID, err := strconv.ParseInt(r.Arg("checkin:alert", 0), 10, 64)
	if err != nil {
		return nil, r.Err(hearth.EINVALID, locale.ErrorButtonInvalid)
	}
	if err := pressedByOwner(r, "checkin:alert", 1); err != nil {
		return nil, err
	}
	m, err := s.Store.Meeting(ctx, meetingID)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return nil, r.Err(hearth.ENOTFOUND, locale.CmdCheckinMeetingGone)
	} else if err != nil {
		return nil, err
	}
	g, err := s.Store.Group(ctx, m.GroupID)
	if err != nil {
		return nil, err
	}
	// Only a member of the group raises its alerts: someone who left (or a
	// forged meeting of another group or server) is shown where to get help.
	member := g.GuildID == r.GuildID
	if member {
		if _, err := s.Store.Membership(ctx, g.ID, r.User.ID); hearth.ErrorCode(err) == hearth.ENOTFOUND {
			member = false
		} else if err != nil {
			return nil, err
		}
	}
	if !member {
		settings, err := s.Store.GuildSettings(ctx, r.GuildID)
		if err != nil {
			return nil, err
		}
		return nil, r.Err(hearth.EFORBIDDEN, locale.CmdCheckinAlertNotMember, locale.A("Crisis", settings.CrisisFor(string(r.Lang), r.Lang)))
	}
	a, err := s.raiseAlertWith(ctx, r, g, hearth.UrgencyToday, false, "",
		func(ctx context.Context, a *hearth.Alert, ds []*hearth.AlertDelivery, jobs []*hearth.Job) error {
			err := s.Store.CreateCheckInAlert(ctx, m.ID, r.User.ID, a, ds, jobs)
			switch hearth.ErrorCode(err) { // the store's refusals, in the caller's language
			case hearth.ECONFLICT:
				return r.Err(hearth.ECONFLICT, locale.CmdCheckinAlreadyTold)
			case hearth.ENOTFOUND:
				return r.Err(hearth.ENOTFOUND, locale.CmdCheckinNotCheckedIn)
			}
			return err
		})
	if err != nil {
		return nil, err
	}
	return s.alertRaisedReply(ctx, r, g, a)
}

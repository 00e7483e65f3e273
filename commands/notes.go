package commands

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// notesLookBack bounds how far back /notes show looks for the last meetings.
const notesLookBack = 366 * 24 * time.Hour

// registerNotes defines /notes for a group's psychologists: add (a modal
// with one multi-line field) and show (the last five meetings' notes, one
// note a page). Session notes are about the session, never shown in a
// message Discord keeps: only in ephemeral replies.
func (s *Service) registerNotes(rt *Router) {
	rt.Define(Command{
		Name:        "notes",
		Description: msgNotesCommand,
		scope:       scopePsychologist,
		Options: []OptionDef{
			Sub("add", msgNotesAdd, GroupOpt(true)),
			Sub("show", msgNotesShow, GroupOpt(true)),
		},
	})
	rt.Handle("notes add", s.notesAdd)
	rt.Handle("notes show", s.notesShow)
	rt.Component("notes:add", s.notesSubmit)
	rt.Component("notes:page", s.notesPage)
	rt.Component("notes:meeting", s.notesOfMeeting)
}

// sessionNotesButton adds a Session notes button to a meeting's Details
// reply when the meeting has notes (Details fills its embed already).
func (s *Service) sessionNotesButton(ctx context.Context, l locale.Lang, resp *Response, m *hearth.Meeting) error {
	notes, err := s.Store.SessionNotes(ctx, []int64{m.ID})
	if err != nil || len(notes) == 0 {
		return err
	}
	b := hearth.Button{Label: l.T(locale.CmdNotesButton, locale.A("N", len(notes))), CustomID: "notes:meeting:" + strconv.FormatInt(m.ID, 10) + ":0", Style: hearth.ButtonSecondary}
	if len(resp.Message.Buttons) > 0 {
		resp.Message.Buttons[0] = append(resp.Message.Buttons[0], b)
	} else {
		resp.Message.Buttons = [][]hearth.Button{{b}}
	}
	return nil
}

// notesOfMeeting shows one meeting's session notes, one a page, from the
// summary's Details (in a DM, where there is no server: the meeting's
// group decides, and only its current psychologists may see them).
func (s *Service) notesOfMeeting(ctx context.Context, r *Request) (*Response, error) {
	refuse := r.Err(hearth.EFORBIDDEN, locale.CmdNotesRefused)
	id, err := strconv.ParseInt(r.Arg("notes:meeting", 0), 10, 64)
	if err != nil {
		return nil, refuse
	}
	m, g, err := s.meetingOfButton(ctx, r, id, refuse)
	if err != nil {
		return nil, err
	}
	notes, err := s.Store.SessionNotes(ctx, []int64{m.ID})
	if err != nil {
		return nil, err
	}
	au := audit(r, "notes.show", "meeting:"+strconv.FormatInt(m.ID, 10))
	au.GuildID = g.GuildID
	if err := s.Store.Audit(ctx, au); err != nil {
		return nil, err
	}
	if len(notes) == 0 {
		return Ephemeral(r.T(locale.CmdNotesNoneMeeting, locale.A("Group", g.Name))), nil
	}
	page, _ := strconv.Atoi(r.Arg("notes:meeting", 1))
	page = max(0, min(page, len(notes)-1))
	n := notes[page]
	mid := strconv.FormatInt(m.ID, 10)
	msg := hearth.Message{
		Content: r.T(locale.CmdNotesPage, locale.A("Group", g.Name), locale.A("Page", page+1), locale.A("Pages", len(notes))),
		Embeds: []hearth.Embed{{
			Title:       r.T(locale.CmdNotesMeetingOf, locale.A("When", hearth.Timestamp(m.StartsAt, "F"))),
			Description: n.Note,
			Fields:      []hearth.EmbedField{{Name: r.T(locale.CmdNotesWrittenBy), Value: hearth.Mention(n.AuthorID) + " · " + hearth.Timestamp(n.CreatedAt, "f")}},
		}},
		Ephemeral: true,
	}
	if len(notes) > 1 {
		msg.Buttons = [][]hearth.Button{pageButtons(r.Lang, "notes:meeting:"+mid+":"+strconv.Itoa(page-1),
			"notes:meeting:"+mid+":"+strconv.Itoa(page+1), page == 0, page == len(notes)-1)}
	}
	return Reply(msg), nil
}

// notesAllowed checks that the caller is one of g's two current
// psychologists, in g's server.
func notesAllowed(r *Request, g *hearth.Group) error {
	if g.GuildID != r.GuildID || !g.IsPsychologist(r.User.ID) {
		return r.Err(hearth.EFORBIDDEN, locale.CmdNotesRefused)
	}
	return nil
}

// groupByArg loads the group named by the custom id's first argument; an
// unknown id is the same refusal as a foreign one.
func (s *Service) groupByArg(ctx context.Context, r *Request, route string) (*hearth.Group, error) {
	id, err := strconv.ParseInt(r.Arg(route, 0), 10, 64)
	if err != nil {
		return nil, r.Err(hearth.EFORBIDDEN, locale.CmdNotesRefused)
	}
	g, err := s.Store.Group(ctx, id)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return nil, r.Err(hearth.EFORBIDDEN, locale.CmdNotesRefused)
	} else if err != nil {
		return nil, err
	}
	return g, notesAllowed(r, g)
}

// latestStarted returns g's latest meeting that has started by t, or nil.
func (s *Service) latestStarted(ctx context.Context, g *hearth.Group, t time.Time) (*hearth.Meeting, error) {
	m, err := s.Store.PreviousMeeting(ctx, g.ID, t.Add(time.Second))
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return nil, nil
	}
	return m, err
}

func (s *Service) notesAdd(ctx context.Context, r *Request) (*Response, error) {
	g, err := s.group(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := notesAllowed(r, g); err != nil {
		return nil, err
	}
	m, err := s.latestStarted(ctx, g, now(r))
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, r.Err(hearth.ENOTFOUND, locale.CmdNotesNoMeeting, locale.A("Group", g.Name))
	}
	return &Response{Type: ReplyModal, Modal: &Modal{
		CustomID: "notes:add:" + strconv.FormatInt(g.ID, 10),
		Title:    r.T(locale.CmdNotesTitle),
		Inputs: []TextInput{{
			CustomID: "note", Label: r.T(locale.CmdNotesLabel), Paragraph: true, Required: true,
			MaxLength: hearth.MaxSessionNote, Placeholder: r.T(locale.CmdNotesHint),
		}},
	}}, nil
}

// notesSubmit stores the note of the modal, on the latest meeting that has
// started when it is submitted.
func (s *Service) notesSubmit(ctx context.Context, r *Request) (*Response, error) {
	if r.Kind != KindModal {
		return nil, r.Err(hearth.EFORBIDDEN, locale.CmdNotesRefused)
	}
	g, err := s.groupByArg(ctx, r, "notes:add")
	if err != nil {
		return nil, err
	}
	note := strings.TrimSpace(r.Fields["note"])
	if note == "" {
		return nil, r.Err(hearth.EINVALID, locale.CmdNotesEmpty)
	}
	if n := utf8.RuneCountInString(note); n > hearth.MaxSessionNote {
		return nil, r.Err(hearth.EINVALID, locale.CmdNotesTooLong, locale.A("Max", hearth.MaxSessionNote), locale.A("Length", n))
	}
	m, err := s.latestStarted(ctx, g, now(r))
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, r.Err(hearth.ENOTFOUND, locale.CmdNotesNoMeeting, locale.A("Group", g.Name))
	}
	n := &hearth.SessionNote{GroupID: g.ID, MeetingID: m.ID, AuthorID: r.User.ID, Note: note, CreatedAt: now(r)}
	if err := s.Store.CreateSessionNote(ctx, n); err != nil {
		return nil, err
	}
	if err := s.Store.Audit(ctx, audit(r, "notes.add", "meeting:"+strconv.FormatInt(m.ID, 10))); err != nil {
		return nil, err
	}
	s.Log.Info("session note saved", "group", g.ID, "meeting", m.ID, "note", n.ID, "by", r.User.ID)
	return Ephemeral(r.T(locale.CmdNotesSaved, locale.A("Group", g.Name), locale.A("When", hearth.Timestamp(m.StartsAt, "F")))), nil
}

func (s *Service) notesShow(ctx context.Context, r *Request) (*Response, error) {
	g, err := s.group(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := notesAllowed(r, g); err != nil {
		return nil, err
	}
	return s.notesReply(ctx, r, g, 0)
}

func (s *Service) notesPage(ctx context.Context, r *Request) (*Response, error) {
	g, err := s.groupByArg(ctx, r, "notes:page")
	if err != nil {
		return nil, err
	}
	page, _ := strconv.Atoi(r.Arg("notes:page", 1))
	resp, err := s.notesReply(ctx, r, g, page)
	if err != nil {
		return nil, err
	}
	resp.Type = UpdateMessage
	return resp, nil
}

// SessionNotesOf returns the session notes of g's last five meetings that
// have started by t, newest first, with those meetings by id.
func SessionNotesOf(ctx context.Context, st Store, g *hearth.Group, t time.Time) ([]*hearth.SessionNote, map[int64]*hearth.Meeting, error) {
	ms, err := st.MeetingsBetween(ctx, g.ID, t.Add(-notesLookBack), t.Add(time.Second))
	if err != nil {
		return nil, nil, err
	}
	ms = slices.DeleteFunc(ms, func(m *hearth.Meeting) bool { return m.Status == hearth.MeetingCancelled })
	if len(ms) > hearth.SessionNotesShown {
		ms = ms[len(ms)-hearth.SessionNotesShown:]
	}
	byID := map[int64]*hearth.Meeting{}
	var ids []int64
	for _, m := range ms {
		byID[m.ID] = m
		ids = append(ids, m.ID)
	}
	notes, err := st.SessionNotes(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	slices.Reverse(notes)
	return notes, byID, nil
}

// notesReply renders page (one note) of g's session notes, ephemeral.
func (s *Service) notesReply(ctx context.Context, r *Request, g *hearth.Group, page int) (*Response, error) {
	notes, meetings, err := SessionNotesOf(ctx, s.Store, g, now(r))
	if err != nil {
		return nil, err
	}
	if err := s.Store.Audit(ctx, audit(r, "notes.show", groupTarget(g))); err != nil {
		return nil, err
	}
	if len(notes) == 0 {
		return Ephemeral(r.T(locale.CmdNotesNone, locale.A("N", hearth.SessionNotesShown), locale.A("Group", g.Name))), nil
	}
	page = max(0, min(page, len(notes)-1))
	n := notes[page]
	embed := hearth.Embed{
		Title:       r.T(locale.CmdNotesMeetingOf, locale.A("When", hearth.Timestamp(meetings[n.MeetingID].StartsAt, "F"))),
		Description: n.Note,
		Fields:      []hearth.EmbedField{{Name: r.T(locale.CmdNotesWrittenBy), Value: hearth.Mention(n.AuthorID) + " · " + hearth.Timestamp(n.CreatedAt, "f")}},
	}
	gid := strconv.FormatInt(g.ID, 10)
	msg := hearth.Message{
		Content:   r.T(locale.CmdNotesPage, locale.A("Group", g.Name), locale.A("Page", page+1), locale.A("Pages", len(notes))),
		Embeds:    []hearth.Embed{embed},
		Ephemeral: true,
	}
	if len(notes) > 1 {
		msg.Buttons = [][]hearth.Button{pageButtons(r.Lang, "notes:page:"+gid+":"+strconv.Itoa(page-1),
			"notes:page:"+gid+":"+strconv.Itoa(page+1), page == 0, page == len(notes)-1)}
	}
	return Reply(msg), nil
}

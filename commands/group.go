package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// registerGroup defines /group for admins: create, edit, delete (with a
// confirm button) and list.
func (s *Service) registerGroup(rt *Router) {
	one, fifty := 1, hearth.MaxGroupName
	name := func(required bool) OptionDef {
		o := Str("name", "The group's name (1–50 characters)", required, fifty)
		o.MinLength = &one
		return o
	}
	tz := OptionDef{Type: OptString, Name: "timezone", Description: "IANA time zone of its meetings, e.g. Europe/Madrid", Autocomplete: true}
	rt.Define(Command{
		Name:        "group",
		scope:       scopeAdmin,
		Description: "Create and configure support groups (admins)",
		AdminOnly:   true,
		Options: []OptionDef{
			Sub("create", "Create a group",
				name(true),
				TextChannelOpt("channel", "The group's text channel", true),
				UserOpt("facilitator", "The psychologist who facilitates", true),
				UserOpt("observer", "The psychologist who observes", true),
				tz,
				RoleOpt("role", "A role given to its members (optional)", false),
				languageOpt("Language of the group's channel posts (default: the server's)"),
				voiceOpt()),
			Sub("edit", "Change a group",
				GroupOpt(true),
				name(false),
				TextChannelOpt("channel", "The group's text channel", false),
				UserOpt("facilitator", "The psychologist who facilitates", false),
				UserOpt("observer", "The psychologist who observes", false),
				tz,
				RoleOpt("role", "A role given to its members", false),
				Int("sharers", "Members who share at each meeting (0–10)", false, 0, hearth.MaxSharers),
				Int("length", "Meeting length in minutes (15–480)", false, hearth.MinLength, hearth.MaxLength),
				languageOpt("Language of the group's channel posts"),
				voiceOpt()),
			Sub("delete", "Delete a group and all its data", GroupOpt(true)),
			Sub("list", "Groups of this server and their next meeting"),
		},
	})
	rt.Handle("group create", s.groupCreate)
	rt.Handle("group edit", s.groupEdit)
	rt.Handle("group delete", s.groupDelete)
	rt.Handle("group list", s.groupList)
	rt.Component("group:delete", s.groupDeleteConfirm)
	rt.Component("group:keep", s.groupDeleteCancel)
}

// groupChanges reads the create/edit options of r, validated, into a
// function that applies them to a group.
func groupChanges(r *Request) (func(*hearth.Group), error) {
	var fns []func(*hearth.Group)
	if r.Has("name") {
		name := r.String("name")
		if n := utf8.RuneCountInString(name); n == 0 || n > hearth.MaxGroupName {
			return nil, r.Err(hearth.EINVALID, locale.CmdGroupNameLength, locale.A("Max", hearth.MaxGroupName), locale.A("Name", clip(name, 60)), locale.A("Length", n))
		}
		fns = append(fns, func(g *hearth.Group) { g.Name = name })
	}
	if ch := r.ChannelOption("channel"); ch != nil {
		if !ch.Text {
			return nil, r.Err(hearth.EINVALID, locale.CmdGroupNotText, locale.A("Channel", "<#"+ch.ID+">"))
		}
		fns = append(fns, func(g *hearth.Group) { g.ChannelID = ch.ID })
	}
	for _, role := range []string{"facilitator", "observer"} {
		u := r.UserOption(role)
		if u == nil {
			continue
		}
		if u.Bot {
			k := locale.CmdGroupBotFacilitator
			if role == "observer" {
				k = locale.CmdGroupBotObserver
			}
			return nil, r.Err(hearth.EINVALID, k, locale.A("User", hearth.Mention(u.ID)))
		}
		if role == "facilitator" {
			fns = append(fns, func(g *hearth.Group) { g.FacilitatorID = u.ID })
		} else {
			fns = append(fns, func(g *hearth.Group) { g.ObserverID = u.ID })
		}
	}
	if r.Has("timezone") {
		tz := r.String("timezone")
		if _, err := hearth.LoadLocation(tz); err != nil || tz == "" {
			return nil, r.Err(hearth.EINVALID, locale.CmdGroupTimezone, locale.A("Zone", clip(tz, 60)))
		}
		fns = append(fns, func(g *hearth.Group) { g.Timezone = tz })
	}
	if r.Has("role") {
		role := r.Options["role"].RoleID // checked by checkGroupRole (role.go)
		fns = append(fns, func(g *hearth.Group) { g.RoleID = role })
	}
	if n, ok := r.Int("sharers"); ok {
		if n < 0 || n > hearth.MaxSharers {
			return nil, r.Err(hearth.EINVALID, locale.CmdGroupSharersRange, locale.A("Max", hearth.MaxSharers))
		}
		fns = append(fns, func(g *hearth.Group) { g.Sharers = int(n) })
	}
	if n, ok := r.Int("length"); ok {
		if n < hearth.MinLength || n > hearth.MaxLength {
			return nil, r.Err(hearth.EINVALID, locale.CmdGroupLengthRange, locale.A("Min", hearth.MinLength), locale.A("Max", hearth.MaxLength))
		}
		fns = append(fns, func(g *hearth.Group) { g.LengthMinutes = int(n) })
	}
	if fn, err := voiceChange(r); err != nil {
		return nil, err
	} else if fn != nil {
		fns = append(fns, fn)
	}
	if fn, err := languageChange(r); err != nil {
		return nil, err
	} else if fn != nil {
		fns = append(fns, fn)
	}
	if len(fns) == 0 {
		return nil, nil
	}
	return func(g *hearth.Group) {
		for _, fn := range fns {
			fn(g)
		}
	}, nil
}

func (s *Service) groupCreate(ctx context.Context, r *Request) (*Response, error) {
	if err := requireAdmin(r); err != nil {
		return nil, err
	}
	apply, err := groupChanges(r)
	if err != nil {
		return nil, err
	}
	if err := s.checkGroupRole(ctx, r); err != nil {
		return nil, err
	}
	settings, err := s.Store.GuildSettings(ctx, r.GuildID)
	if err != nil {
		return nil, err
	}
	g := &hearth.Group{
		GuildID:         r.GuildID,
		Timezone:        settings.Timezone,
		LengthMinutes:   hearth.DefaultLength,
		ReminderOffsets: hearth.DefaultReminderOffsets,
		Sharers:         hearth.DefaultSharers,
		Language:        string(r.GuildLang.OrDefault()), // SPEC §10: the server's preferred locale
	}
	if g.Timezone == "" {
		g.Timezone = "UTC"
	}
	apply(g)
	if err := g.Validate(); err != nil {
		return nil, err
	}
	if err := s.Store.CreateGroup(ctx, g, audit(r, "group.create", "")); hearth.ErrorCode(err) == hearth.ECONFLICT {
		return nil, r.Err(hearth.ECONFLICT, locale.CmdGroupNameTaken, locale.A("Name", g.Name)) // names are unique in a server
	} else if err != nil {
		return nil, err
	}
	s.voiceChanged(r.GuildID)
	s.Log.Info("group created", "group", g.ID, "guild", g.GuildID, "by", r.User.ID)
	return Ephemeral(r.T(locale.CmdGroupCreated, locale.A("Group", g.Name), locale.A("Settings", describeGroup(r.Lang, g)))), nil
}

func (s *Service) groupEdit(ctx context.Context, r *Request) (*Response, error) {
	if err := requireAdmin(r); err != nil {
		return nil, err
	}
	g, err := s.group(ctx, r)
	if err != nil {
		return nil, err
	}
	apply, err := groupChanges(r)
	if err != nil {
		return nil, err
	}
	if err := s.checkGroupRole(ctx, r); err != nil {
		return nil, err
	}
	if apply == nil {
		return nil, r.Err(hearth.EINVALID, locale.CmdGroupNothingToChange)
	}
	// A member of the group cannot become one of its psychologists: they
	// would receive their own alerts.
	for _, role := range []string{"facilitator", "observer"} {
		if u := r.UserOption(role); u != nil {
			if _, err := s.Store.Membership(ctx, g.ID, u.ID); err == nil {
				k := locale.CmdGroupMemberFacilitator
				if role == "observer" {
					k = locale.CmdGroupMemberObserver
				}
				return nil, r.Err(hearth.EINVALID, k, locale.A("User", hearth.Mention(u.ID)), locale.A("Group", g.Name))
			} else if hearth.ErrorCode(err) != hearth.ENOTFOUND {
				return nil, err
			}
		}
	}
	before := *g
	handover := r.UserOption("facilitator") != nil || r.UserOption("observer") != nil
	if handover {
		// Should this process die between the change and the hand-over
		// below, this later one still hands the open alerts over.
		if err := s.alertService().Reassign(ctx, g.GuildID, g.ID, reassignSafetyNet); err != nil {
			return nil, err
		}
	}
	g, err = s.Store.UpdateGroup(ctx, g.ID, func(cur *hearth.Group) error {
		apply(cur)
		return cur.Validate()
	}, audit(r, "group.edit", groupTarget(g)))
	if hearth.ErrorCode(err) == hearth.ECONFLICT && r.Has("name") {
		return nil, r.Err(hearth.ECONFLICT, locale.CmdGroupNameTaken, locale.A("Name", r.String("name"))) // taken by another group
	} else if err != nil {
		return nil, err
	}
	s.voiceChanged(r.GuildID)
	s.Log.Info("group edited", "group", g.ID, "guild", g.GuildID, "by", r.User.ID)
	msg := r.T(locale.CmdGroupSaved, locale.A("Group", g.Name), locale.A("Settings", describeGroup(r.Lang, g)))
	if handover && (g.FacilitatorID != before.FacilitatorID || g.ObserverID != before.ObserverID) {
		// An open alert belongs to the group's psychologists of now (SPEC §5).
		if err := s.alertService().Reassign(ctx, g.GuildID, g.ID, 0); err != nil {
			s.Log.Error("unable to hand over open alerts", "group", g.ID, "error", err)
			msg += "\n" + r.T(locale.CmdCommonHandoverLater)
		}
	}
	if g.Timezone != before.Timezone || g.LengthMinutes != before.LengthMinutes {
		if err := s.replan(ctx, g.ID); err != nil {
			s.Log.Error("unable to re-plan meetings", "group", g.ID, "error", err)
			msg += "\n" + r.T(locale.CmdGroupReplanLater)
		}
	}
	return Ephemeral(msg), nil
}

// describeGroup shows a group's settings to an admin, in l.
func describeGroup(l locale.Lang, g *hearth.Group) string {
	var b strings.Builder
	b.WriteString(l.T(locale.CmdGroupDescribe, locale.A("Channel", "<#"+g.ChannelID+">"), locale.A("Facilitator", hearth.Mention(g.FacilitatorID)),
		locale.A("Observer", hearth.Mention(g.ObserverID)), locale.A("Zone", g.Timezone), locale.A("Length", g.LengthMinutes), locale.A("Sharers", g.Sharers)))
	if g.RoleID != "" {
		b.WriteString(l.T(locale.CmdGroupDescribeRole, locale.A("Role", "<@&"+g.RoleID+">")))
	}
	if g.VoiceChannelID != "" {
		b.WriteString(l.T(locale.CmdGroupDescribeVoice, locale.A("Channel", "<#"+g.VoiceChannelID+">")))
	}
	return b.String()
}

func (s *Service) groupDelete(ctx context.Context, r *Request) (*Response, error) {
	if err := requireAdmin(r); err != nil {
		return nil, err
	}
	g, err := s.group(ctx, r)
	if err != nil {
		return nil, err
	}
	members, err := s.Store.Members(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	ids := fmt.Sprintf("%d:%s", g.ID, r.User.ID)
	m := hearth.Message{
		Content: r.T(locale.CmdGroupDeleteConfirm, locale.A("Group", g.Name), locale.A("Members", len(members))),
		Buttons: [][]hearth.Button{{
			{Label: r.T(locale.CmdGroupDeleteButton), CustomID: "group:delete:" + ids, Style: hearth.ButtonDanger},
			{Label: r.T(locale.CmdGroupCancelButton), CustomID: "group:keep:" + ids, Style: hearth.ButtonSecondary},
		}},
		Ephemeral: true,
	}
	return Reply(m), nil
}

// confirmGroup checks a delete button press: the presser is the admin who
// asked, still an admin, and the group still exists in this server.
func (s *Service) confirmGroup(ctx context.Context, r *Request, route string) (*hearth.Group, error) {
	id, err := strconv.ParseInt(r.Arg(route, 0), 10, 64)
	if err != nil {
		return nil, r.Err(hearth.EINVALID, locale.ErrorButtonInvalid)
	}
	if err := pressedByOwner(r, route, 1); err != nil {
		return nil, err
	}
	if err := requireAdmin(r); err != nil {
		return nil, err
	}
	g, err := s.Store.Group(ctx, id)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return nil, r.Err(hearth.ECONFLICT, locale.CmdGroupAlreadyDeleted)
	} else if err != nil {
		return nil, err
	}
	if g.GuildID != r.GuildID {
		return nil, r.Err(hearth.EFORBIDDEN, locale.CmdGroupOtherServer)
	}
	return g, nil
}

func (s *Service) groupDeleteConfirm(ctx context.Context, r *Request) (*Response, error) {
	g, err := s.confirmGroup(ctx, r, "group:delete")
	if err != nil {
		return nil, err
	}
	upcoming, err := s.Store.UpcomingMeetings(ctx, g.ID, now(r), 0)
	if err != nil {
		return nil, err
	}
	if err := s.Store.DeleteGroup(ctx, g.ID, audit(r, "group.delete", groupTarget(g))); err != nil {
		return nil, err
	}
	s.Log.Info("group deleted", "group", g.ID, "guild", g.GuildID, "by", r.User.ID)
	s.wake() // its alerts' DMs are deleted by durable jobs
	// The meetings are gone; their Discord events would point at nothing.
	for _, m := range upcoming {
		if m.EventID == "" {
			continue
		}
		if err := s.Discord.DeleteEvent(ctx, g.GuildID, m.EventID); err != nil && hearth.Failure(err) != hearth.FailGone {
			s.Log.Warn("unable to delete scheduled event", "group", g.ID, "meeting", m.ID, "error", err)
		}
	}
	msg := r.T(locale.CmdGroupDeleted, locale.A("Group", g.Name))
	if g.RoleID != "" {
		msg += r.T(locale.CmdGroupRoleLeft, locale.A("Role", "<@&"+g.RoleID+">"))
	}
	return Update(hearth.Message{Content: msg}), nil
}

func (s *Service) groupDeleteCancel(ctx context.Context, r *Request) (*Response, error) {
	g, err := s.confirmGroup(ctx, r, "group:keep")
	if err != nil {
		return nil, err
	}
	return Update(hearth.Message{Content: r.T(locale.CmdGroupDeleteCancelled, locale.A("Group", g.Name))}), nil
}

func (s *Service) groupList(ctx context.Context, r *Request) (*Response, error) {
	if err := requireAdmin(r); err != nil {
		return nil, err
	}
	gs, err := s.Store.Groups(ctx, r.GuildID)
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return Ephemeral(r.T(locale.CmdGroupListNone)), nil
	}
	roleWarnings := s.groupRoleWarnings(ctx, r.Lang, r.GuildID, gs)
	var b strings.Builder
	b.WriteString(r.T(locale.CmdGroupListTitle, locale.A("N", len(gs))) + "\n")
	for i, g := range gs {
		m, err := s.meeting(ctx, g, now(r), currentOrNext)
		if err != nil {
			return nil, err
		}
		next := r.T(locale.CmdGroupListNoMeeting)
		if m != nil {
			next = r.T(locale.CmdGroupListNext, locale.A("When", hearth.Timestamp(m.StartsAt, "F")), locale.A("Relative", hearth.Timestamp(m.StartsAt, "R")))
		}
		line := fmt.Sprintf("• **%s** · %s\n  %s\n", g.Name, next, describeGroup(r.Lang, g)) + roleWarnings[g.ID]
		if b.Len()+len(line) > 1900 {
			b.WriteString(r.T(locale.CmdGroupListMore, locale.A("N", len(gs)-i)))
			break
		}
		b.WriteString(line)
	}
	return Ephemeral(b.String()), nil
}

package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/commands"
	"github.com/hearthbot/hearth/locale"
)

const auditPage = 50

// adminServer returns the {guild} of the path if the visitor is its admin.
func (s *Server) adminServer(r *http.Request, v *viewer) (string, error) {
	guild := r.PathValue("guild")
	if _, err := strconv.ParseUint(guild, 10, 64); err != nil {
		return "", errNotFound
	}
	ok, err := v.isAdmin(r.Context(), guild)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", errNotFound
	}
	return guild, nil
}

// settingsForm is the settings page: what is set, and the form that
// changes it.
type settingsForm struct {
	GuildID, Server string
	Settings        *hearth.GuildSettings
	// Channels are the server's text channels (nil when the gateway cache
	// cannot tell: the form then takes an id); StaffKnown says whether the
	// current staff channel is one of them.
	Channels   []hearth.ChannelInfo
	StaffKnown bool
	Names      map[string]string
	// The form's values: the current settings, or what was submitted.
	Staff, Lead, CrisisEN, CrisisES, Retention string
	// UnsetEN and UnsetES: no text of the server in that language; its
	// field shows what those members see now.
	UnsetEN, UnsetES bool
	Error            string
}

func (s *Server) settingsForm(ctx context.Context, l locale.Lang, guild string, st *hearth.GuildSettings) *settingsForm {
	f := &settingsForm{GuildID: guild, Server: s.serverName(l, guild), Settings: st, Channels: s.channels(guild),
		Names: s.names(ctx, st.LeadID), Staff: st.StaffChannelID, Lead: st.LeadID,
		CrisisEN: crisisShown(st, locale.English), CrisisES: crisisShown(st, locale.Spanish),
		Retention: strconv.Itoa(retention(st)), UnsetEN: st.CrisisText == "", UnsetES: st.CrisisTextES == ""}
	f.StaffKnown = slices.ContainsFunc(f.Channels, func(c hearth.ChannelInfo) bool { return c.ID == st.StaffChannelID })
	return f
}

// crisisShown is the crisis text members who read l see now.
func crisisShown(st *hearth.GuildSettings, l locale.Lang) string {
	return st.CrisisFor(string(l), l)
}

func (s *Server) settingsShow(w http.ResponseWriter, r *http.Request, v *viewer) error {
	guild, err := s.adminServer(r, v)
	if err != nil {
		return err
	}
	st, err := s.o.Store.GuildSettings(r.Context(), guild)
	if err != nil {
		return err
	}
	f := s.settingsForm(r.Context(), v.lang, guild, st)
	s.render(w, r, v, 0, "settings", v.lang.T(locale.WebSettingsTitle, locale.A("Server", f.Server)), f)
	return nil
}

func retention(st *hearth.GuildSettings) int {
	if st.RetentionDays <= 0 {
		return hearth.DefaultRetentionDays
	}
	return st.RetentionDays
}

// settingsSave runs the /settings subcommand of each field that changed:
// staff-channel, lead, crisis (once per language) and retention, through
// the router, so each is checked, saved, audited and acted on (the lead's
// hand-over of escalated alerts) exactly as the slash command does. A
// field left empty changes nothing (the commands cannot unset either).
// Every field is checked before anything is saved; should a command refuse,
// the ones before it stay saved and the page says which one refused.
func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request, v *viewer) error {
	guild, err := s.adminServer(r, v)
	if err != nil {
		return err
	}
	ctx := r.Context()
	st, err := s.o.Store.GuildSettings(ctx, guild)
	if err != nil {
		return err
	}
	f := s.settingsForm(ctx, v.lang, guild, st)
	for k, p := range map[string]*string{"staff": &f.Staff, "lead": &f.Lead, "crisis_en": &f.CrisisEN, "crisis_es": &f.CrisisES, "retention": &f.Retention} {
		*p = strings.TrimSpace(r.FormValue(k))
	}
	cmds, err := s.settingsCommands(ctx, v.lang, f, st)
	if err == nil {
		for _, c := range cmds {
			if _, err = s.adminCommand(ctx, v, guild, c.path, c.opts); err != nil {
				break
			}
		}
	}
	if err != nil {
		if code := hearth.ErrorCode(err); code == hearth.EINTERNAL || code == hearth.ENOTFOUND {
			return err
		}
		f.Error = plain(v.lang, hearth.ErrorMessageIn(err, v.lang))
		// What the commands before the refused one saved.
		if f.Settings, err = s.o.Store.GuildSettings(ctx, guild); err != nil {
			return err
		}
		s.render(w, r, v, http.StatusBadRequest, "settings", v.lang.T(locale.WebSettingsTitle, locale.A("Server", f.Server)), f)
		return nil
	}
	redirectDone(w, r, "/servers/"+guild+"/settings", "settings")
	return nil
}

type settingsCommand struct {
	path string
	opts map[string]commands.Option
}

// settingsCommands checks the form and returns the commands that apply
// what changed.
func (s *Server) settingsCommands(ctx context.Context, l locale.Lang, f *settingsForm, st *hearth.GuildSettings) ([]settingsCommand, error) {
	var out []settingsCommand
	if f.Staff != "" && f.Staff != st.StaffChannelID {
		if _, err := strconv.ParseUint(f.Staff, 10, 64); err != nil {
			return nil, hearth.Errorf(hearth.EINVALID, "%s", l.T(locale.WebsetSettingsErrStaffId))
		}
		// The group form's rule: one of the server's text channels when
		// the gateway cache knows them.
		if f.Channels != nil && !slices.ContainsFunc(f.Channels, func(c hearth.ChannelInfo) bool { return c.ID == f.Staff }) {
			return nil, hearth.Errorf(hearth.EINVALID, "%s", l.T(locale.WebGroupsErrChannel))
		}
		out = append(out, settingsCommand{"settings staff-channel", map[string]commands.Option{"channel": {Channel: &commands.Channel{ID: f.Staff, Text: true}}}})
	}
	if f.Lead != "" && f.Lead != st.LeadID {
		if _, err := strconv.ParseUint(f.Lead, 10, 64); err != nil {
			return nil, hearth.Errorf(hearth.EINVALID, "%s", l.T(locale.WebsetSettingsErrLeadId))
		}
		// A slash command's user option is a person Discord resolved; here
		// the id is typed, so it must name someone Discord knows.
		if _, ok := s.o.Discord.(namer); ok && s.names(ctx, f.Lead)[f.Lead] == "" {
			return nil, hearth.Errorf(hearth.EINVALID, "%s", l.T(locale.WebsetSettingsErrUnknownLead, locale.A("ID", f.Lead)))
		}
		u := &commands.User{ID: f.Lead}
		// Discord tells the command whether the user is a bot; here we ask,
		// so /settings lead refuses a bot with its own words.
		if b, ok := s.o.Discord.(botTeller); ok {
			bot, err := b.IsBot(contextWithWebPriority(ctx), f.Lead)
			if err != nil {
				return nil, err
			}
			u.Bot = bot
		}
		out = append(out, settingsCommand{"settings lead", map[string]commands.Option{"user": {User: u}}})
	}
	for _, c := range []struct {
		text string
		lang locale.Lang
	}{{f.CrisisEN, locale.English}, {f.CrisisES, locale.Spanish}} {
		// Unchanged (also when it is the text shown for an unset language):
		// nothing to save. Browsers send a textarea's newlines as CRLF.
		text := strings.ReplaceAll(c.text, "\r\n", "\n")
		if text == "" || text == strings.TrimSpace(crisisShown(st, c.lang)) {
			continue
		}
		out = append(out, settingsCommand{"settings crisis", map[string]commands.Option{"text": {String: text}, "language": {String: string(c.lang)}}})
	}
	if f.Retention != "" {
		n, err := strconv.ParseInt(f.Retention, 10, 64)
		if err != nil {
			return nil, hearth.Errorf(hearth.EINVALID, "%s", l.T(locale.WebCommonBadForm))
		}
		if int(n) != retention(st) {
			out = append(out, settingsCommand{"settings retention", map[string]commands.Option{"days": {Int: n}}})
		}
	}
	return out, nil
}

// botTeller is the optional part of Discord that says whether a user is a
// bot (bot.Bot has it).
type botTeller interface {
	IsBot(ctx context.Context, userID string) (bool, error)
}

func (s *Server) auditShow(w http.ResponseWriter, r *http.Request, v *viewer) error {
	guild, err := s.adminServer(r, v)
	if err != nil {
		return err
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	es, err := s.o.Store.AuditLog(r.Context(), guild, auditPage+1, (page-1)*auditPage)
	if err != nil {
		return err
	}
	more := len(es) > auditPage
	es = es[:min(len(es), auditPage)]
	var ids []string
	for _, e := range es {
		ids = append(ids, e.ActorID)
	}
	s.render(w, r, v, 0, "audit", v.lang.T(locale.WebAuditTitle, locale.A("Server", s.serverName(v.lang, guild))), struct {
		GuildID, Server string
		Entries         []hearth.AuditEntry
		Page            int
		Prev, Next      int
		Loc             *time.Location
		Names           map[string]string
	}{guild, s.serverName(v.lang, guild), es, page, page - 1, map[bool]int{true: page + 1}[more], v.loc, s.names(r.Context(), ids...)})
	return nil
}

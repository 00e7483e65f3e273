package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// Canaries of the privacy tests: each note a member writes is one, so a
// leak names its source.
const (
	canaryCheckIn = "CANARY-checkin-5b2e my private check-in note"
	canaryOther   = "CANARY-other-91c4 another member's note"
	canaryServer2 = "CANARY-server2-0d7a a note in another server"
)

// checkIn stores a check-in of user to a new meeting of g; the /checkin
// command has its own tests.
func (h *harness) checkIn(g *hearth.Group, user string, start time.Time, mood int, note string) *hearth.CheckIn {
	h.t.Helper()
	ctx := h.ctx()
	m := &hearth.Meeting{GroupID: g.ID, StartsAt: start, EndsAt: start.Add(g.Length())}
	if _, err := h.app.DB.EnsureMeetings(ctx, m); err != nil {
		h.t.Fatalf("meeting: %v", err)
	}
	ms, err := h.app.DB.MeetingsBetween(ctx, g.ID, start, start.Add(time.Minute))
	if err != nil || len(ms) != 1 {
		h.t.Fatalf("meeting at %s: %v %d", start, err, len(ms))
	}
	c := &hearth.CheckIn{MeetingID: ms[0].ID, UserID: user, Mood: mood, Note: note, CreatedAt: start}
	if err := h.app.DB.CreateCheckIn(ctx, c); err != nil {
		h.t.Fatalf("check-in: %v", err)
	}
	return c
}

// secondServer adds another server where user is a member of a group with a
// check-in, so tests can see that /privacy stays in its server.
func (h *harness) secondServer(user string) string {
	h.t.Helper()
	guild := h.fake.AddGuild("", "Other Server")
	h.fake.AddMember(guild, user)
	g := &hearth.Group{GuildID: guild, Name: "Elsewhere", ChannelID: "1", FacilitatorID: h.fac, ObserverID: h.obs, LengthMinutes: 60}
	if err := h.app.DB.CreateGroup(h.ctx(), g, hearth.AuditEntry{ActorID: h.admin, Action: "group.create"}); err != nil {
		h.t.Fatalf("group: %v", err)
	}
	if err := h.app.DB.Join(h.ctx(), &hearth.Membership{GroupID: g.ID, UserID: user}); err != nil {
		h.t.Fatalf("join: %v", err)
	}
	h.checkIn(g, user, h.clock.Now().Add(-time.Hour), 3, canaryServer2)
	return guild
}

// exported is the part of the export document the tests read.
type exported struct {
	Format      string `json:"format"`
	ServerID    string `json:"server_id"`
	UserID      string `json:"user_id"`
	Memberships []struct {
		Group    string `json:"group"`
		JoinedAt string `json:"joined_at"`
	} `json:"memberships"`
	CheckIns []struct {
		Group string `json:"group"`
		Mood  *int   `json:"mood"`
		Note  string `json:"note"`
	} `json:"check_ins"`
	Alerts []struct {
		ID         string `json:"id"`
		Urgency    string `json:"urgency"`
		Relapse    bool   `json:"relapse"`
		Note       string `json:"note"`
		Status     string `json:"status"`
		Deliveries []struct {
			To     string `json:"to"`
			Status string `json:"status"`
		} `json:"deliveries"`
	} `json:"alerts"`
}

// tableMentions opens the SQLite file read-only and returns, per table, how
// many rows hold s in any column.
func tableMentions(t *testing.T, path, s string) map[string]int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	out := map[string]int{}
	for _, table := range tables {
		rows, err := db.Query(`SELECT name FROM pragma_table_info(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		var conds []string
		var args []any
		for rows.Next() {
			var col string
			if err := rows.Scan(&col); err != nil {
				t.Fatal(err)
			}
			conds = append(conds, `CAST("`+col+`" AS TEXT) LIKE ?`)
			args = append(args, "%"+s+"%")
		}
		rows.Close()
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM "`+table+`" WHERE `+strings.Join(conds, " OR "), args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			out[table] = n
		}
	}
	return out
}

// noPlainText fails if a canary is in the SQLite file or its WAL, in a log
// line, in a message Discord keeps or in a request that is not an answer
// to an interaction (replies and their follow-ups are ephemeral here).
func noPlainText(t *testing.T, h *harness) {
	t.Helper()
	for _, f := range []string{h.cfg.Database.DSN, h.cfg.Database.DSN + "-wal"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) == 0 {
			t.Errorf("%s is empty: nothing was scanned", f)
		}
		if bytes.Contains(data, []byte("CANARY")) {
			t.Errorf("%s holds a note in plain text", f)
		}
	}
	logs := h.logs.String()
	if strings.Contains(logs, "CANARY") {
		t.Errorf("a log line holds a note")
	}
	if strings.Contains(logs, "mood") {
		t.Errorf("a log line names a mood")
	}
	for _, m := range persisted(h.fake.AllMessages()) {
		if strings.Contains(text(m), "CANARY") {
			t.Errorf("stored message %s in channel %s holds a note", m.ID, m.ChannelID)
		}
		for _, f := range h.fake.Attachments(m.ID) {
			if bytes.Contains(f.Data, []byte("CANARY")) {
				t.Errorf("stored message %s has an attachment with a note", m.ID)
			}
		}
	}
	for _, c := range h.fake.Calls() {
		if bytes.Contains(c.Body, []byte("CANARY")) && !strings.Contains(c.Path, "/interactions/") && !strings.HasPrefix(c.Path, "/webhooks/") {
			t.Errorf("%s %s sent a note to Discord", c.Method, c.Path)
		}
	}
}

func exportOf(t *testing.T, h *harness, user string) (exported, []byte) {
	t.Helper()
	r := h.slash(user, "privacy export")
	mustEphemeral(t, r, "only you can see this")
	if len(r.Files) != 1 || !strings.HasSuffix(r.Files[0].Name, ".json") {
		t.Fatalf("export reply has files %v, want one JSON file", len(r.Files))
	}
	var doc exported
	if err := json.Unmarshal(r.Files[0].Data, &doc); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	return doc, r.Files[0].Data
}

func TestPrivacy_Show(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	me, other := h.members[0], h.members[1]
	h.checkIn(g, me, h.clock.Now().Add(-time.Hour), 2, canaryCheckIn)
	h.checkIn(g, other, h.clock.Now().Add(-time.Hour), 5, canaryOther)
	struggle(h, me, "today", false, canary)
	h.secondServer(me)

	t.Run("OK", func(t *testing.T) {
		r := h.slash(me, "privacy show")
		mustEphemeral(t, r, "**Anxiety Circle** (joined <t:", "Check-ins: 1", "Alerts to your psychologists: 1 (1 not resolved)",
			"Private notes: yes", "Reminders by DM: off", "**365 days**")
		if got := replyText(r); strings.Contains(got, other) || strings.Contains(got, "Elsewhere") || strings.Contains(got, "CANARY") {
			t.Errorf("show says more than the caller's data here: %q", got)
		}
	})
	t.Run("Nothing", func(t *testing.T) {
		r := h.slash(h.user("newcomer"), "privacy show")
		mustEphemeral(t, r, "Nothing", "**365 days**")
	})
	h.settle()
	noPlainText(t, h)
}

func TestPrivacy_Export(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	me, other := h.members[0], h.members[1]
	h.checkIn(g, me, h.clock.Now().Add(-2*time.Hour), 2, canaryCheckIn)
	h.checkIn(g, me, h.clock.Now().Add(-time.Hour), 4, "")
	h.checkIn(g, other, h.clock.Now().Add(-time.Hour), 5, canaryOther)
	struggle(h, me, "today", true, canary)
	struggle(h, other, "now", false, canaryOther)
	h.waitDMs(h.fac, 2)
	h.waitDMs(h.obs, 2)
	h.secondServer(me)

	doc, raw := exportOf(t, h, me)
	if doc.Format != "hearth.privacy-export.v1" || doc.ServerID != h.guild || doc.UserID != me {
		t.Errorf("header = %q %q %q", doc.Format, doc.ServerID, doc.UserID)
	}
	if len(doc.Memberships) != 1 || doc.Memberships[0].Group != "Anxiety Circle" || doc.Memberships[0].JoinedAt == "" {
		t.Errorf("memberships = %+v", doc.Memberships)
	}
	if len(doc.CheckIns) != 2 || doc.CheckIns[0].Note != canaryCheckIn || *doc.CheckIns[0].Mood != 2 || *doc.CheckIns[1].Mood != 4 {
		t.Errorf("check-ins = %+v", doc.CheckIns)
	}
	if len(doc.Alerts) != 1 {
		t.Fatalf("alerts = %+v", doc.Alerts)
	}
	a := doc.Alerts[0]
	if a.Note != canary || a.Status != "open" || a.Urgency != "today" || !a.Relapse || len(a.Deliveries) != 2 {
		t.Errorf("alert = %+v", a)
	}
	for _, d := range a.Deliveries {
		if d.Status != "sent" || (d.To != h.fac && d.To != h.obs) {
			t.Errorf("delivery = %+v", d)
		}
	}
	for _, foreign := range []string{other, canaryOther, canaryServer2, "Elsewhere"} {
		if bytes.Contains(raw, []byte(foreign)) {
			t.Errorf("the export holds %q, which is not the caller's data in this server", foreign)
		}
	}
	t.Run("Other", func(t *testing.T) {
		doc, raw := exportOf(t, h, other)
		if len(doc.CheckIns) != 1 || doc.CheckIns[0].Note != canaryOther || len(doc.Alerts) != 1 || doc.Alerts[0].Note != canaryOther {
			t.Errorf("other's export = %+v", doc)
		}
		if bytes.Contains(raw, []byte(me)) || bytes.Contains(raw, []byte(canaryCheckIn)) {
			t.Errorf("other's export holds the first member's data")
		}
	})
	h.settle()
	noPlainText(t, h)
}

func TestPrivacy_Delete(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	me, other := h.members[0], h.members[1]
	role := h.fake.AddRole(h.guild, "", "anxiety")
	g2 := &hearth.Group{GuildID: h.guild, Name: "Recovery", ChannelID: h.channel, RoleID: role,
		FacilitatorID: h.fac, ObserverID: h.obs, LengthMinutes: 60}
	if err := h.app.DB.CreateGroup(h.ctx(), g2, hearth.AuditEntry{ActorID: h.admin, Action: "group.create"}); err != nil {
		t.Fatal(err)
	}
	if err := h.app.DB.Join(h.ctx(), &hearth.Membership{GroupID: g2.ID, UserID: me}); err != nil {
		t.Fatal(err)
	}
	if err := h.app.Bot.AddRole(h.ctx(), h.guild, me, role); err != nil {
		t.Fatal(err)
	}
	h.checkIn(g, me, h.clock.Now().Add(-2*time.Hour), 1, canaryCheckIn)
	h.checkIn(g2, me, h.clock.Now().Add(-time.Hour), 3, "")
	h.checkIn(g, other, h.clock.Now().Add(-2*time.Hour), 5, canaryOther)
	// The caller is in two groups: /struggling asks which.
	r := h.slash(me, "struggling", discordtest.Str("urgency", "today"), discordtest.Bool("relapse", true),
		discordtest.Str("group", "Anxiety Circle"), discordtest.Str("note", canary))
	mustEphemeral(t, r, "<@"+h.fac+">")
	struggle(h, other, "later", false, canaryOther)
	h.waitDMs(h.fac, 2)
	h.settle()
	mine, err := h.app.DB.UserData(h.ctx(), h.guild, me)
	if err != nil || len(mine.Alerts) != 1 {
		t.Fatalf("setup: %v", err)
	}
	alertID := mine.Alerts[0].ID
	guild2 := h.secondServer(me)

	ask := func(t *testing.T) *discordtest.Reply {
		r := h.slash(me, "privacy delete")
		mustEphemeral(t, r, "**Anxiety Circle**", "**Recovery**", "2 check-ins", "1 alerts", "cannot be undone")
		if ids := buttonIDs(r.Components); !slices.Equal(ids, []string{"privacy:delete:" + me, "privacy:cancel:" + me}) {
			t.Fatalf("buttons = %v", ids)
		}
		return r
	}
	t.Run("Cancel", func(t *testing.T) {
		r := ask(t)
		got := h.press(me, r.Message, "privacy:cancel:"+me)
		if !strings.Contains(replyText(got), "Nothing was erased") || len(buttonIDs(got.Components)) != 0 {
			t.Errorf("cancel = %q", replyText(got))
		}
		if d, _ := h.app.DB.UserData(h.ctx(), h.guild, me); len(d.Memberships) != 2 {
			t.Errorf("cancel erased data")
		}
	})
	t.Run("ErrSomeoneElse", func(t *testing.T) {
		r := ask(t)
		got := h.press(other, r.Message, "privacy:delete:"+me)
		mustEphemeral(t, got, "belongs to someone else")
		if d, _ := h.app.DB.UserData(h.ctx(), h.guild, me); len(d.Memberships) != 2 {
			t.Errorf("another member's press erased data")
		}
	})
	t.Run("OK", func(t *testing.T) {
		r := ask(t)
		got := h.press(me, r.Message, "privacy:delete:"+me)
		if !strings.Contains(replyText(got), "2 memberships, 2 check-ins and 1 alerts") || len(buttonIDs(got.Components)) != 0 {
			t.Errorf("delete = %q", replyText(got))
		}
		if roles := h.fake.MemberRoles(h.guild, me); slices.Contains(roles, role) {
			t.Errorf("the group role was not taken back: %v", roles)
		}
		// Every row naming the caller: the audit line of the erasure, and
		// the data in the other server.
		h.settle()
		want := map[string]int{"audit_log": 1, "memberships": 1, "check_ins": 1}
		if got := tableMentions(t, h.cfg.Database.DSN, me); !maps.Equal(got, want) {
			t.Errorf("rows naming the erased member, by table: %v, want %v", got, want)
		}
		for _, table := range []string{"alert_deliveries", "jobs"} {
			if n := countWhere(t, h, table, "alert_id = ?", alertID); n != 0 {
				t.Errorf("%d rows of %s refer to the erased alert", n, table)
			}
		}
		log, err := h.app.DB.AuditLog(h.ctx(), h.guild, 1, 0)
		if err != nil || log[0].Action != "privacy.delete" || log[0].ActorID != me || log[0].Target != "" {
			t.Errorf("audit = %+v %v", log, err)
		}
		d, err := h.app.DB.UserData(h.ctx(), guild2, me)
		if err != nil || len(d.Memberships) != 1 || len(d.CheckIns) != 1 {
			t.Errorf("the other server's data changed: %+v %v", d, err)
		}
		if d, _ := h.app.DB.UserData(h.ctx(), h.guild, other); len(d.CheckIns) != 1 || len(d.Alerts) != 1 {
			t.Errorf("the other member's data changed: %+v", d)
		}
		// Discord keeps DMs: the psychologists' DMs about the erased alert
		// are deleted too; the other member's alert DM stays.
		for _, p := range []string{h.fac, h.obs} {
			var left []string
			for _, m := range h.dms(p) {
				if strings.HasPrefix(m.Content, "Private alert #") {
					left = append(left, m.Content)
				}
			}
			if len(left) != 1 || !strings.Contains(left[0], fmt.Sprintf("#%d from", alertID+1)) {
				t.Errorf("alert DMs left to %s after the erasure: %q, want only the other member's", p, left)
			}
		}
	})
	t.Run("ErrPressedTwice", func(t *testing.T) {
		r := h.slash(me, "privacy delete")
		mustEphemeral(t, r, "nothing to erase")
	})
	noPlainText(t, h)
}

// countWhere counts rows of a table in the harness's SQLite file.
func countWhere(t *testing.T, h *harness, table, cond string, args ...any) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+h.cfg.Database.DSN+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM "`+table+`" WHERE `+cond, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

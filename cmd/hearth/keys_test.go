package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
	"github.com/hearthbot/hearth/storage"
)

// dbWithNote makes a SQLite database as `hearth run` leaves it: migrated,
// its key generated into the file beside it, and an alert with a note. It
// returns the environment that runs hearth on it and the key's id.
func dbWithNote(t *testing.T) (map[string]string, string, string) {
	t.Helper()
	fake := discordtest.NewServer(t)
	dsn := filepath.Join(t.TempDir(), "hearth.db")
	env := map[string]string{
		"HEARTH_DISCORD_TOKEN":        "not-the-token",
		"HEARTH_DISCORD_API_BASE_URL": fake.URL,
		"HEARTH_DATABASE_DSN":         dsn,
		"HEARTH_HTTP_LISTEN":          "",
	}
	if code, _, errOut := runMain(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate: exit %d: %s", code, errOut)
	}
	keyFile := dsn + ".key"
	key, err := storage.LoadKeyFile(keyFile)
	if err != nil {
		t.Fatalf("no key generated for the new database: %v", err)
	}
	ring, err := storage.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, storage.DriverSQLite, dsn, storage.Options{Keys: ring})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	g := &hearth.Group{GuildID: "guild", Name: "Recovery", ChannelID: "c1", FacilitatorID: "fac", ObserverID: "obs",
		Timezone: "UTC", LengthMinutes: 60, Sharers: 2}
	if err := db.CreateGroup(ctx, g, hearth.AuditEntry{ActorID: "admin", Action: "group.create"}); err != nil {
		t.Fatal(err)
	}
	a := &hearth.Alert{GuildID: "guild", GroupID: g.ID, UserID: "member", Urgency: hearth.UrgencyNow, Note: "a private note"}
	if err := db.CreateAlert(ctx, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	return env, keyFile, storage.KeyID(key)
}

// TestRun_KeyNeverReplaced runs `hearth run` (and migrate, rekey) on a
// database holding a note, after the key was lost, changed or left
// readable by others: each refuses to start with exit status 78, naming
// the key id and the fix, and no new key file appears.
func TestRun_KeyNeverReplaced(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		env, _, _ := dbWithNote(t)
		if code, _, errOut := runMain(t, env, "migrate"); code != 0 {
			t.Fatalf("migrate with the right key: exit %d: %s", code, errOut)
		}
	})
	t.Run("ErrDeletedKeyFile", func(t *testing.T) {
		env, keyFile, id := dbWithNote(t)
		if err := os.Remove(keyFile); err != nil {
			t.Fatal(err)
		}
		for _, cmd := range []string{"run", "migrate", "rekey"} {
			code, _, errOut := runMain(t, env, cmd)
			if code != exitConfig {
				t.Fatalf("%s: exit status %d, want %d: %s", cmd, code, exitConfig, errOut)
			}
			for _, want := range []string{id, keyFile, "Restore that key"} {
				if !strings.Contains(errOut, want) {
					t.Errorf("%s: message lacks %q: %s", cmd, want, errOut)
				}
			}
			if _, err := os.Stat(keyFile); !os.IsNotExist(err) {
				t.Fatalf("%s generated a new key file (%v)", cmd, err)
			}
		}
	})
	t.Run("ErrChangedKey", func(t *testing.T) {
		env, _, id := dbWithNote(t)
		env["HEARTH_SECURITY_ENCRYPTION_KEY"] = base64.StdEncoding.EncodeToString([]byte("another key of thirty-two bytes!"))
		for _, cmd := range []string{"run", "rekey"} {
			code, _, errOut := runMain(t, env, cmd)
			if code != exitConfig || !strings.Contains(errOut, id) || !strings.Contains(errOut, "old_encryption_keys") {
				t.Fatalf("%s: exit status %d, want %d naming %s and old_encryption_keys: %s", cmd, code, exitConfig, id, errOut)
			}
		}
	})
	t.Run("ErrKeyFileReadableByOthers", func(t *testing.T) {
		env, keyFile, _ := dbWithNote(t)
		if err := os.Chmod(keyFile, 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := runMain(t, env, "run")
		if code != exitConfig || !strings.Contains(errOut, keyFile) || !strings.Contains(errOut, "chmod 600") {
			t.Fatalf("exit status %d, want %d with the fix: %s", code, exitConfig, errOut)
		}
	})
}

// TestAlert_WorksWithoutNoteKey stores an alert whose note is encrypted
// under a key hearth's keyring lacks (as if the key were lost after it was
// raised): delivery, escalation, acknowledgement and /alerts list work,
// because none of them reads the note; only View note needs the key, and
// it answers with an apology, never the note.
func TestAlert_WorksWithoutNoteKey(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID, s.LeadID = h.staff, h.lead })
	ctx := h.ctx()
	foreign, err := storage.NewKeyring([]byte("a key hearth was never given!!!!"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := storage.Open(ctx, storage.DriverSQLite, h.cfg.Database.DSN, storage.Options{Keys: foreign, Now: h.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	raise := func(member string, u hearth.Urgency) *hearth.Alert {
		a := &hearth.Alert{GuildID: h.guild, GroupID: g.ID, UserID: member, Urgency: u, Note: canary, CreatedAt: h.now()}
		ds, jobs := hearth.NewAlertWork(a, g, h.cfg.Alerts)
		if err := other.CreateAlert(ctx, a, ds, jobs); err != nil {
			t.Fatal(err)
		}
		h.app.Engine.Wake()
		return a
	}
	acked := raise(h.members[0], hearth.UrgencyToday)
	escalated := raise(h.members[1], hearth.UrgencyNow)
	if _, err := h.app.DB.AlertNote(ctx, acked.ID); err == nil {
		t.Fatal("hearth's keyring reads the note: the test proves nothing")
	}

	facDMs := h.waitDMs(h.fac, 2)
	h.waitDMs(h.obs, 2)
	var facDM *discordgo.Message
	for _, m := range facDMs {
		if strings.Contains(m.Content, fmt.Sprintf("#%d", acked.ID)) {
			facDM = m
		}
	}
	if facDM == nil || !strings.Contains(text(facDM), "Press **View note**") {
		t.Fatalf("no alert DM saying there is a note: %+v", facDMs)
	}
	t.Run("List", func(t *testing.T) {
		mustEphemeral(t, h.slash(h.obs, "alerts list"), fmt.Sprintf("#%d", acked.ID), fmt.Sprintf("#%d", escalated.ID))
	})
	t.Run("Acknowledge", func(t *testing.T) {
		r := h.press(h.fac, facDM, fmt.Sprintf("alert:ack:%d", acked.ID))
		if !strings.Contains(replyText(r), "Acknowledged by <@"+h.fac+">") {
			t.Fatalf("acknowledge = %q", replyText(r))
		}
		h.waitDMs(h.members[0], 1)
	})
	t.Run("Escalate", func(t *testing.T) {
		h.advance(h.cfg.Alerts.EscalateNow)
		leadDM := h.waitDMs(h.lead, 1)[0]
		if !strings.Contains(leadDM.Content, fmt.Sprintf("#%d", escalated.ID)) {
			t.Fatalf("lead DM = %q", leadDM.Content)
		}
		h.waitMessages(h.staff, 1)
	})
	t.Run("ViewNoteNeedsTheKey", func(t *testing.T) {
		r := h.press(h.fac, facDM, fmt.Sprintf("alert:note:%d", acked.ID))
		if !r.Ephemeral || strings.Contains(replyText(r), "CANARY") {
			t.Fatalf("view note without the key = %q (ephemeral %v)", replyText(r), r.Ephemeral)
		}
	})
	t.Run("PrivacyShowAndDelete", func(t *testing.T) {
		member := h.members[1]
		mustEphemeral(t, h.slash(member, "privacy show"), "Private notes: yes")
		ask := h.slash(member, "privacy delete")
		got := h.press(member, ask.Message, "privacy:delete:"+member)
		if !strings.Contains(replyText(got), "1 alerts") {
			t.Fatalf("erasure without the note's key = %q", replyText(got))
		}
	})
	noCanary(t, h)
}

package main

import (
	"context"
	"database/sql"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth/discordtest"
)

// TestSlowDatabase_Defers holds SQLite's write lock from another connection
// while a member raises an alert: the bot must answer Discord in time with a
// deferral, then complete the reply once the write goes through.
func TestSlowDatabase_Defers(t *testing.T) {
	h := start(t)
	h.setupGroup()

	// database/sql's "sqlite3" driver is registered by the storage adapter.
	other, err := sql.Open("sqlite3", h.cfg.Database.DSN+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatalf("take the write lock: %v", err)
	}
	locked := true
	defer func() {
		if locked {
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()

	ix := h.fake.SlashCommand(h.as(h.members[0]), "struggling", discordtest.Str("urgency", "today"), discordtest.Bool("relapse", false))
	first, err := ix.Wait(h.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if first.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || !first.Ephemeral {
		t.Fatalf("first answer while the database is locked: type %d ephemeral=%v, want an ephemeral deferral", first.Type, first.Ephemeral)
	}
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	locked = false
	final, err := ix.WaitFinal(h.ctx())
	if err != nil {
		t.Fatal(err)
	}
	mustEphemeral(t, final, "<@"+h.fac+">", "<@"+h.obs+">")
	h.waitDMs(h.fac, 1)
}

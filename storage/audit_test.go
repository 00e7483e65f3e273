package storage_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

func TestDB_AuditLog(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		t.Run("OK", func(t *testing.T) {
			for i := range 5 {
				noErr(t, db.Audit(ctx, hearth.AuditEntry{GuildID: "guild", ActorID: "psy", Action: "alert.view_note", Target: fmt.Sprintf("alert:%d", i)}))
			}
			noErr(t, db.Audit(ctx, hearth.AuditEntry{GuildID: "other", Action: "x"}))
			page, err := db.AuditLog(ctx, "guild", 2, 1)
			noErr(t, err)
			if len(page) != 2 || page[0].Target != "alert:3" || page[1].Target != "alert:2" || !page[0].At.Equal(testNow) {
				t.Fatalf("page = %+v", page)
			}
			all, err := db.AuditLog(ctx, "guild", 0, 0)
			noErr(t, err)
			if len(all) != 5 {
				t.Fatalf("%d entries", len(all))
			}
		})
		t.Run("ErrNoAction", func(t *testing.T) {
			if err := db.Audit(ctx, hearth.AuditEntry{GuildID: "guild"}); err == nil {
				t.Fatal("entry without action stored")
			}
		})
	})
}

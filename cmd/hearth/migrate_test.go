package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hearthbot/hearth/storage"
)

func TestMigrate(t *testing.T) {
	env := map[string]string{"HEARTH_DATABASE_DSN": filepath.Join(t.TempDir(), "hearth.db")}
	latest := storage.LatestVersion()
	t.Run("OK", func(t *testing.T) {
		code, out, errOut := runMain(t, env, "migrate")
		if want := fmt.Sprintf("database schema at version %d (was 0)\n", latest); code != 0 || out != want {
			t.Fatalf("exit %d, stdout %q (want %q), stderr %q", code, out, want, errOut)
		}
	})
	t.Run("Idempotent", func(t *testing.T) {
		code, out, errOut := runMain(t, env, "migrate")
		if want := fmt.Sprintf("database schema at version %d (was %d)\n", latest, latest); code != 0 || out != want {
			t.Fatalf("exit %d, stdout %q (want %q), stderr %q", code, out, want, errOut)
		}
	})
	t.Run("ErrBadDriver", func(t *testing.T) {
		code, _, errOut := runMain(t, map[string]string{"HEARTH_DATABASE_DRIVER": "mysql"}, "migrate")
		if code != 1 || !strings.Contains(errOut, "database.driver") {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
	})
}
